/**
 * kv, the Redis-compatible store (docs/kv.md): RESP2 as Redis 7.0 speaks it
 * (https://redis.io/docs/latest/develop/reference/protocol-spec/), with Redis's replies and error
 * texts, one lock over the dataset in place of Redis's single thread, and an append-only file in
 * Redis's format (see {@code Aof}).
 *
 * <p>The commands are data: each family ({@code StringCommands}, {@code ListCommands}, ...) lists
 * its {@code Command} rows (name, arity, {@code CommandFlag}s, {@code KeySpec}, handler) as
 * Redis's {@code src/commands/*.json} do, {@code CommandTable} looks them up without allocating,
 * and {@code KvStore} checks arity, runs them under the lock and logs those flagged
 * {@code write} that changed data. The AOF is {@code Aof} (the format and the lock order),
 * {@code AofWriter} (appending, appendfsync), {@code AofRewriter} (BGREWRITEAOF),
 * {@code AofLoader} (replay at start) and {@code AofReader} (parsing, kv-check-aof, cutting a
 * torn tail).
 *
 * <p>Databases: {@code KvDb} is one (its keys and expiry heap); a client's {@code SELECT} is its
 * {@code Client.db}, and {@code KvStore.db} is the database of the command running.
 *
 * <p>Beyond the data commands: transactions ({@code TransactionCommands}, {@code Watches}),
 * blocking pops on parked virtual threads ({@code Blocking}), pub/sub and keyspace notifications
 * ({@code PubSub}, {@code Subscriber}, {@code KeyspaceEvents}), RESP3 ({@code Reply}), Lua
 * scripts and functions on LuaJ ({@code LuaScripts}, {@code LuaFunctions}), eviction under
 * {@code maxmemory} on an estimate of the data's size ({@code KvMemory}, {@code KvEviction}) and
 * CONFIG's parameter table ({@code KvParams}).
 *
 * <p>Left out: replication, cluster, ACL users, RDB snapshots (and so DUMP/RESTORE), the Lua
 * {@code cmsgpack} library, and the commands docs/kv.md does not list. COMMAND DOCS answers an empty
 * array; COMMAND GETKEYS is not implemented.
 */
package dev.netloom.kv;
