/**
 * The {@code http} service: a static file server on HTTP/1.1 (RFC 9110, RFC 9112) written on
 * the blocking TCP base, using the shared codec in {@link dev.netloom.http1}.
 *
 * <p>Serves GET and HEAD with persistent connections and pipelining, validators (ETag,
 * Last-Modified; RFC 9110 §13 conditional requests), byte ranges (RFC 9110 §14, multipart/byteranges),
 * directory listings, precompressed {@code .gz} siblings, and a Combined Log Format access log.
 * Files up to {@code http.cache-max-file} are kept in memory within {@code http.cache-budget};
 * larger ones are sent with {@code FileChannel.transferTo} (sendfile).
 *
 * <p>Left out: request bodies (a static server takes none: other methods get 405), HTTP/2,
 * TLS, on-the-fly compression, and {@code Expect: 100-continue} (no method here takes a body).
 */
package dev.netloom.http;
