/**
 * The {@code ftp} service: an FTP server following RFC 959 (the base protocol), RFC 2389 (FEAT,
 * OPTS), RFC 2428 (EPSV, EPRT, {@code EPSV ALL}), RFC 3659 (SIZE, MDTM, MLSD, MLST, REST STREAM),
 * RFC 2640 (UTF-8 names, {@code OPTS UTF8 ON}) and RFC 4217 (explicit FTPS: AUTH TLS, PBSZ 0,
 * PROT P/C).
 *
 * <p>Left out: the block and compressed modes, record structure, EBCDIC and local types (TYPE E,
 * TYPE L other than 8), ACCT (502), SITE, implicit FTPS on port 990, the CCC command, LANG,
 * and TLS session reuse on data connections (not required of clients here). Data connections
 * accept only the client's own address, in both directions, so FTP bounce and data theft are
 * refused.
 */
package dev.netloom.ftp;
