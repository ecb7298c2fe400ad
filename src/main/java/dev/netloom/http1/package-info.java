/**
 * HTTP/1.1 message syntax shared by every HTTP service and client of netloom (the static server,
 * the proxy, the load balancer, the {@code http} client command): reading request and response
 * heads from bytes with limits (RFC 9112 §2-5), body framing of requests and responses, strict
 * against request smuggling (RFC 9112 §6), writing heads into one reusable buffer, HTTP dates
 * (RFC 9110 §5.6.7), byte ranges (RFC 9110 §14), chunked bodies (RFC 9112 §7.1) and the
 * Combined Log Format.
 *
 * <p>Left out: HTTP/0.9 requests (answered 400), obsolete line folding (answered 400, as RFC
 * 9112 §5.2 allows), trailer fields (read and dropped), HTTP/2 (the preface is answered 505).
 */
package dev.netloom.http1;
