package dev.netloom.kv;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a command's keys are among its arguments: Redis's legacy key spec, the
 * {@code first key, last key, step} that COMMAND INFO shows (Redis 7's {@code key_specs} of
 * {@code begin_search: index} and {@code find_keys: range} say the same for every kv command).
 * Positions count the name as 0; a negative {@code last} counts from the end (-1 the last
 * argument, -2 all but the last); {@link #NONE} (0, 0, 0) is a command without keys.
 */
record KeySpec(int first, int last, int step, Movable movable) {

    /**
     * The keys of a command whose keys move with its arguments (Redis's {@code movablekeys}: a
     * {@code numkeys} count, SORT's {@code STORE}); COMMAND INFO still shows {@code first, last,
     * step} (0, 0, 0 for the {@code numkeys} forms, as Redis does).
     */
    @FunctionalInterface
    interface Movable {
        List<byte[]> keys(byte[][] argv);
    }

    /** No keys (PING, INFO, KEYS: a pattern is not a key). */
    static final KeySpec NONE = new KeySpec(0, 0, 0);
    /** The first argument only (GET k, HSET k f v). */
    static final KeySpec ONE = new KeySpec(1, 1, 1);
    /** The first two arguments (RENAME src dst, LMOVE src dst ...). */
    static final KeySpec TWO = new KeySpec(1, 2, 1);
    /** Every argument (DEL k..., MGET k..., SINTER k...). */
    static final KeySpec ALL = new KeySpec(1, -1, 1);
    /** Every other argument from the first (MSET k v k v ...). */
    static final KeySpec PAIRS = new KeySpec(1, -1, 2);

    /** A destination at 1, then {@code numkeys} at 2 (ZUNIONSTORE dst 2 a b). */
    static final KeySpec STORE_NUMKEYS = new KeySpec(1, 1, 1, argv -> numkeysKeys(argv, 2, List.of(argv[1])));

    /** A container's subcommand key at 2 (XGROUP CREATE key ..., XINFO STREAM key); COMMAND INFO shows 0, 0, 0 as Redis. */
    static final KeySpec SUBCOMMAND_KEY = new KeySpec(0, 0, 0, argv -> argv.length > 2 ? List.of(argv[2]) : List.of());

    KeySpec {
        if (first == 0 ? last != 0 || step != 0 : first < 0 || step <= 0 || (last > 0 && last < first)) {
            throw new IllegalArgumentException("bad key spec " + first + " " + last + " " + step);
        }
    }

    KeySpec(int first, int last, int step) {
        this(first, last, step, null);
    }

    /** {@code numkeys} at {@code at}, then that many keys (LMPOP 2 a b, ZUNION 2 a b, SINTERCARD 2 a b). */
    static KeySpec numkeys(int at) {
        return new KeySpec(0, 0, 0, argv -> numkeysKeys(argv, at, List.of()));
    }

    private static List<byte[]> numkeysKeys(byte[][] argv, int at, List<byte[]> before) {
        List<byte[]> keys = new ArrayList<>(before);
        long n = at < argv.length ? Bytes.parseLong(argv[at], -1) : -1;
        for (int i = at + 1; n > 0 && i <= at + n && i < argv.length; i++) {
            keys.add(argv[i]);
        }
        return keys;
    }

    /** The key arguments of {@code argv} (none for a command without keys). */
    List<byte[]> keys(byte[][] argv) {
        if (movable != null) {
            return movable.keys(argv);
        }
        List<byte[]> keys = new ArrayList<>();
        if (first <= 0) {
            return keys;
        }
        int end = last >= 0 ? last : argv.length + last;
        for (int i = first; i <= end && i < argv.length; i += step) {
            keys.add(argv[i]);
        }
        return keys;
    }
}
