/**
 * Client tools usable from the shell and the command line: {@code send} (one message over TCP
 * or UDP, print the reply), the endpoint notation {@code tcp://HOST:PORT}, {@code http}
 * ({@link dev.netloom.tools.HttpFetch}: GET or HEAD over HTTP/1.1 on a plain socket, RFC 9110
 * and RFC 9112, redirects resolved as RFC 3986 §5.2 says; through an HTTP proxy with an
 * absolute-form target, RFC 9112 §3.2.2), and {@code kv}
 * ({@link dev.netloom.tools.RespClient}: RESP2, the Redis protocol of {@code dev.netloom.resp},
 * printed as redis-cli does).
 *
 * <p>Left out of {@code http}: https, request bodies, persistent connections (each request
 * sends {@code Connection: close}), content codings (a gzip body is shown as it came), CONNECT
 * tunnels, https and socks proxies, the {@code http_proxy} variables, cookies and authentication
 * schemes beyond a header given by hand.
 *
 * <p>Left out of {@code kv}: RESP3 ({@code HELLO 3} replies are a protocol error), pub/sub and
 * MONITOR streams (one reply is read per command), TLS, reconnecting after a lost connection.
 *
 * <p>{@code ftp} ({@link dev.netloom.tools.FtpClient}, {@link dev.netloom.tools.FtpUrl}): RFC 959 with
 * EPSV/EPRT (RFC 2428), SIZE and REST for resuming (RFC 3659) and ftp:// URLs (RFC 1738). Left out:
 * FTPS (RFC 4217), APPE, MLSD/MLST (LIST output is shown as the server formats it), block and
 * compressed modes, record structures, EBCDIC and proxies.
 *
 * <p>The ping family, each ending with Linux ping's summary ({@link dev.netloom.tools.PingSummary}):
 * {@code udpping} ({@link dev.netloom.tools.UdpPing}, netloom's own text protocol against the
 * {@code ping} service), {@code tcpping} ({@link dev.netloom.tools.TcpPing}, TCP connect times)
 * and {@code ping} ({@link dev.netloom.tools.IcmpPing}, ICMP echo, RFC 792, through the JDK). Left
 * out of {@code ping}: packet size, TTL and the reply's own bytes (the JDK does not expose
 * them), and sending without CAP_NET_RAW.
 *
 * <p>{@code mail send} ({@link dev.netloom.tools.SmtpClient}, with {@link dev.netloom.tools.ClientTls}
 * for the certificate trust of mail and chat): RFC 5321 with STARTTLS (RFC 3207), AUTH PLAIN/LOGIN
 * (RFC 4954), SIZE (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531) and PIPELINING (RFC 2920).
 * Left out: DSN, CHUNKING, other SASL mechanisms, MX lookup (it sends to the server it is given),
 * retries after a 4xx reply. {@code mail list|show|raw|save|delete} read the smtp service's JSON
 * API through {@link dev.netloom.tools.MailApiClient}.
 */
package dev.netloom.tools;
