package dev.netloom.core;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Commands counted by name, over a fixed set of names given at construction (a protocol's known
 * verbs, or a command table's rows), everything else as {@value #OTHER}: the label set of
 * {@code netloom_commands_total{command}} stays bounded whatever clients send. Counting is one
 * {@link LongAdder} increment, found by index ({@link #count(int)}, for a caller that already has
 * one, kv's command table slot) or by a name lookup in a map built once ({@link #count(String)}).
 */
public final class CommandCounts {

    /** The label of every command not in the set (unknown verbs, lines that parse as none). */
    public static final String OTHER = "other";

    private final String[] names;
    private final LongAdder[] counts;
    private final Map<String, Integer> index = new HashMap<>();

    /**
     * Counts for {@code names} (as they are to be shown, e.g. lower-case RESP names or upper-case
     * FTP verbs), indexed by their position; a null entry is an unused index.
     */
    public CommandCounts(String... names) {
        this.names = names.clone();
        this.counts = new LongAdder[names.length + 1];
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null) {
                counts[i] = new LongAdder();
                if (index.putIfAbsent(names[i], i) != null) {
                    throw new IllegalArgumentException("command " + names[i] + " named twice");
                }
            }
        }
        counts[names.length] = new LongAdder();
    }

    /** Counts the command at {@code i} (a position given at construction); any other index is {@value #OTHER}. */
    public void count(int i) {
        (i >= 0 && i < names.length && counts[i] != null ? counts[i] : counts[names.length]).increment();
    }

    /** Counts the command named {@code name} exactly as given at construction, else {@value #OTHER}. */
    public void count(String name) {
        Integer i = index.get(name);
        count(i == null ? -1 : i);
    }

    /** The commands counted at least once, name → count ({@value #OTHER} last), at this moment. */
    public Map<String, Long> counts() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i <= names.length; i++) {
            long n = counts[i] == null ? 0 : counts[i].sum();
            if (n > 0) {
                m.put(i == names.length ? OTHER : names[i], n);
            }
        }
        return m;
    }
}
