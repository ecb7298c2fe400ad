/**
 * RESP2, the Redis serialization protocol, shared by the kv server and the kv client:
 * {@link dev.netloom.resp.RespArgs} splits a typed or inline command into words (Redis's
 * {@code sdssplitargs}), {@link dev.netloom.resp.RespWriter} writes values (the server's replies,
 * the client's commands), {@link dev.netloom.resp.RespValueReader} reads a reply into a
 * {@link dev.netloom.resp.RespValue} tree, and {@link dev.netloom.resp.RedisCliFormat} prints one
 * as redis-cli does, apart from the protocol. The server's request reader and its command
 * dispatch stay in {@code kv}.
 *
 * <p>Follows the RESP2 specification (redis.io, "Redis serialization protocol specification");
 * RESP3 (HELLO 3, maps, sets, doubles, push messages) is left out.
 */
package dev.netloom.resp;
