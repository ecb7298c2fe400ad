/**
 * The HTTP forward proxy {@code proxy} (issue 16), built so far as far as its cache's rules:
 * RFC 9111's Cache-Control directives ({@link dev.netloom.proxy.CacheControl}), which responses
 * a shared cache may store ({@link dev.netloom.proxy.Storability}), how old a stored response is
 * and how long it stays fresh ({@link dev.netloom.proxy.Freshness}), and whether a request may be
 * answered from it or must be validated first ({@link dev.netloom.proxy.Reuse}); and the store
 * itself ({@link dev.netloom.proxy.CacheStore}): variants, an LRU by bytes, collapsed misses.
 * Each works on field values, not on sockets, so the service and its tests share one reading.
 */
package dev.netloom.proxy;
