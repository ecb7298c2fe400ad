/**
 * The {@code admin} listener: Prometheus {@code /metrics} (text format 0.0.4 and OpenMetrics 1.0,
 * written by the official client) and a JSON API over the services of the registry, on HTTP/1.1
 * (RFC 9110, RFC 9112) with the shared codec in {@link dev.netloom.http1}; bearer tokens as
 * RFC 6750 §2.1 (the header form only).
 *
 * <p>Left out (issue 20's later parts): {@code netloom attach}; TLS; request bodies (no call
 * takes one).
 */
package dev.netloom.admin;
