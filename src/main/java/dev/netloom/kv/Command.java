package dev.netloom.kv;

import java.util.ArrayList;
import java.util.List;

/**
 * One row of the command table, as in Redis's: the name, the arity (N exactly, or -N for at
 * least N, counting the name), flags, where the keys are (first, last, step; last -1 = to the
 * end, -2 = all but the last argument), and the handler.
 */
record Command(String name, int arity, int flags, int firstKey, int lastKey, int step, Handler handler) {

    static final int WRITE = 1;
    static final int READONLY = 2;
    static final int FAST = 4;
    static final int ADMIN = 8;
    static final int STALE = 16;

    /** Runs the command; writes its reply to {@code c.out}, or throws a {@link KvError}. */
    @FunctionalInterface
    interface Handler {
        void run(Client c, byte[][] argv);
    }

    static int flags(String words) {
        int f = 0;
        for (String w : words.split(" ")) {
            f |= switch (w) {
                case "write" -> WRITE;
                case "readonly" -> READONLY;
                case "fast" -> FAST;
                case "admin" -> ADMIN;
                case "stale" -> STALE;
                case "" -> 0;
                default -> throw new IllegalArgumentException("unknown command flag " + w);
            };
        }
        return f;
    }

    boolean write() {
        return (flags & WRITE) != 0;
    }

    boolean arityOk(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    /** The flag words COMMAND shows. */
    List<String> flagWords() {
        List<String> w = new ArrayList<>();
        if ((flags & WRITE) != 0) {
            w.add("write");
        }
        if ((flags & READONLY) != 0) {
            w.add("readonly");
        }
        if ((flags & ADMIN) != 0) {
            w.add("admin");
        }
        if ((flags & FAST) != 0) {
            w.add("fast");
        }
        if ((flags & STALE) != 0) {
            w.add("stale");
        }
        return w;
    }

    /** The key arguments of {@code argv} (none for a command without keys). */
    List<byte[]> keys(byte[][] argv) {
        List<byte[]> keys = new ArrayList<>();
        if (firstKey <= 0) {
            return keys;
        }
        int last = lastKey >= 0 ? lastKey : argv.length + lastKey;
        for (int i = firstKey; i <= last && i < argv.length; i += step) {
            keys.add(argv[i]);
        }
        return keys;
    }
}
