/**
 * The {@code rest} service: a json-server-style JSON API over collections stored in SQLite
 * (or PostgreSQL), on {@code com.sun.net.httpserver} with a virtual thread per request.
 *
 * <p>Follows RFC 9110 (methods, status codes, conditional requests with strong ETags,
 * {@code Allow}, {@code Location}), RFC 9457 (problem details for every error), RFC 7396
 * (JSON Merge Patch), RFC 8288 ({@code Link} for pages) and the Fetch standard's CORS
 * protocol. Leaves out: JSON Patch (RFC 6902), ranges, content negotiation beyond JSON (every
 * answer is JSON whatever {@code Accept} says), filtering on values inside arrays, and
 * json-server's {@code _delay} parameter, {@code /__rules}, JSONP and {@code _like} as a regular
 * expression (it is a substring here). Takes json-server 0.17.4's nested routes, slices, singular
 * resources, {@code GET /db}, custom routes, {@code --watch}, {@code --delay} and {@code --fks}.
 */
package dev.netloom.rest;
