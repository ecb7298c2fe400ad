package dev.netloom.kv;

/**
 * What a command is, as the flags of Redis's {@code src/commands/*.json} ({@code "command_flags"})
 * and of {@code COMMAND INFO}: the dispatcher, the AOF and the features to come (MULTI/EXEC,
 * WATCH, pub/sub, scripting, read-only replicas) decide by these, never by a command's name.
 *
 * <p>The declaration order is the order {@code COMMAND} lists a command's flags in (netloom's
 * order since the first table: {@code fast} before {@code stale}, where Redis puts it after).
 */
enum CommandFlag {

    /** May change the dataset: logged to the AOF when it did; refused (MISCONF) while the AOF cannot be written. */
    WRITE("write"),
    /** Reads keys and never changes them: safe on a read-only replica, and never logged. */
    READONLY("readonly"),
    /** May use more memory: refused (OOM) when the estimate is over maxmemory and nothing can be evicted. */
    DENYOOM("denyoom"),
    /** Server administration (CONFIG, CLIENT, BGREWRITEAOF). */
    ADMIN("admin"),
    /** A pub/sub command: the only kind a client in subscribed mode may send (none yet). */
    PUBSUB("pubsub"),
    /** Not allowed from a Lua script: redis.call answers {@code This Redis command is not allowed from script}. */
    NOSCRIPT("noscript"),
    /** May block the client until data arrives, as BLPOP (none yet). */
    BLOCKING("blocking"),
    /** O(1) or O(log N), never blocking: Redis's latency class of a command. */
    FAST("fast"),
    /** Allowed while the data may be stale (a replica out of touch with its master; AOF loading). */
    STALE("stale"),
    /** Not allowed inside MULTI ... EXEC (none yet). */
    NO_MULTI("no_multi");

    private final String word;

    CommandFlag(String word) {
        this.word = word;
    }

    /** The word COMMAND INFO shows (a status reply), as Redis spells it. */
    String word() {
        return word;
    }
}
