/**
 * Client tools usable from the shell and the command line: {@code send} (one message over TCP
 * or UDP, print the reply), the endpoint notation {@code tcp://HOST:PORT}, and {@code http}
 * ({@link dev.netloom.tools.HttpFetch}: GET or HEAD over HTTP/1.1 on a plain socket, RFC 9110
 * and RFC 9112, redirects resolved as RFC 3986 §5.2 says).
 *
 * <p>Left out of {@code http}: https, request bodies, persistent connections (each request
 * sends {@code Connection: close}), content codings (a gzip body is shown as it came), proxies,
 * cookies and authentication schemes beyond a header given by hand.
 */
package dev.netloom.tools;
