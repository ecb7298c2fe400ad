/**
 * The {@code smtp} service: an SMTP server that stores what it accepts and shows it.
 *
 * <p>Follows RFC 5321 (SMTP) with RFC 1870 SIZE, RFC 6152 8BITMIME, RFC 2920 PIPELINING,
 * RFC 3207 STARTTLS, RFC 4954 AUTH (RFC 4616 PLAIN and the LOGIN mechanism), RFC 6531 SMTPUTF8,
 * RFC 2034/3463 enhanced status codes and RFC 3848's "with" keywords in the Received header.
 *
 * <p>Left out: relaying or delivering anywhere (the server only stores), BDAT/CHUNKING (RFC 3030),
 * DSN (RFC 3461), VRFY and EXPN answers (252 and 502, as most servers give), AUTH CRAM-MD5 and
 * other SASL mechanisms, implicit TLS (SMTPS on 465), SPF/DKIM/DMARC checks.
 */
package dev.netloom.smtp;
