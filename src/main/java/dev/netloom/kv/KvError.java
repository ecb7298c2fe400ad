package dev.netloom.kv;

/**
 * A command's error reply, with Redis's exact text (clients match on the first word and often on
 * the rest). Thrown by handlers and by the store's typed lookups; the dispatcher writes it as
 * {@code -TEXT\r\n}. No stack trace: it is a reply, not a failure.
 */
final class KvError extends RuntimeException {

    static final KvError WRONGTYPE = new KvError("WRONGTYPE Operation against a key holding the wrong kind of value");
    static final KvError NOT_INTEGER = new KvError("ERR value is not an integer or out of range");
    static final KvError NOT_FLOAT = new KvError("ERR value is not a valid float");
    static final KvError SYNTAX = new KvError("ERR syntax error");
    static final KvError NO_SUCH_KEY = new KvError("ERR no such key");
    static final KvError OVERFLOW = new KvError("ERR increment or decrement would overflow");
    static final KvError OUT_OF_RANGE = new KvError("ERR index out of range");
    static final KvError NOT_POSITIVE = new KvError("ERR value is out of range, must be positive");

    KvError(String text) {
        super(text, null, false, false);
    }

    static KvError wrongArgs(String command) {
        return new KvError("ERR wrong number of arguments for '" + command + "' command");
    }
}
