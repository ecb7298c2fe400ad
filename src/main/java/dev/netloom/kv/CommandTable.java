package dev.netloom.kv;

import dev.netloom.core.CommandCounts;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every command by lower-case name: the rows each family of commands lists (its
 * {@code commands()}), as Redis builds its table from {@code src/commands/*.json}.
 */
final class CommandTable {

    private final Map<String, Command> byName = new HashMap<>();
    /** INFO commandstats, by command (identity: rows are unique). */
    private final Map<Command, CommandStats> stats = new IdentityHashMap<>();
    /**
     * The same commands in an open-addressed table keyed by the name's bytes, any case: the
     * lookup for every request, with no String made. Built once all rows are in.
     */
    private Command[] slots;
    private byte[][] slotNames;

    CommandTable() {
        for (List<Command> family : List.of(ConnectionCommands.commands(), ServerCommands.commands(),
                KeyCommands.commands(), StringCommands.commands(), ListCommands.commands(), HashCommands.commands(),
                SetCommands.commands(), ZSetCommands.commands(), ZRangeCommands.commands(),
                ZSetAlgebraCommands.commands(), BitCommands.commands(), SortCommands.commands(), StreamCommands.commands(),
                ScriptCommands.commands(), PubSub.commands(),
                TransactionCommands.commands(), BlockingCommands.commands(),
                StreamGroupCommands.commands(), MemoryCommands.commands())) {
            family.forEach(this::add);
        }
        int size = Integer.highestOneBit(byName.size() * 4);
        slots = new Command[size];
        slotNames = new byte[size][];
        for (Command c : byName.values()) {
            byte[] name = c.name().getBytes(StandardCharsets.US_ASCII);
            int i = hash(name) & (size - 1);
            while (slots[i] != null) {
                i = (i + 1) & (size - 1);
            }
            slots[i] = c;
            slotNames[i] = name;
        }
    }

    /** A hash of the name folded to lower case. */
    private static int hash(byte[] name) {
        int h = 0;
        for (byte b : name) {
            h = 31 * h + (b | 0x20);
        }
        return h ^ (h >>> 16);
    }

    private void add(Command c) {
        if (!c.name().equals(c.name().toLowerCase(Locale.ROOT))) {
            throw new IllegalStateException("command " + c.name() + " is not named in lower case");
        }
        if (byName.put(c.name(), c) != null) {
            throw new IllegalStateException("command " + c.name() + " added twice");
        }
        stats.put(c, new CommandStats());
    }

    /** The command named {@code name} in any case, or null. */
    Command lookup(byte[] name) {
        int i = slot(name);
        return i < 0 ? null : slots[i];
    }

    /** Where the command named {@code name} (any case) is in the table ({@link #at}), or -1. */
    int slot(byte[] name) {
        int mask = slots.length - 1;
        for (int i = hash(name) & mask; slots[i] != null; i = (i + 1) & mask) {
            if (equalsIgnoreCase(slotNames[i], name)) {
                return i;
            }
        }
        return -1;
    }

    /** The command at {@code slot}, a value of {@link #slot} other than -1. */
    Command at(int slot) {
        return slots[slot];
    }

    /** Counts by command, indexed by {@link #slot} ({@code netloom_commands_total}; unknown names are {@code other}). */
    CommandCounts newCounts() {
        String[] names = new String[slots.length];
        for (int i = 0; i < slots.length; i++) {
            names[i] = slots[i] == null ? null : slots[i].name();
        }
        return new CommandCounts(names);
    }

    /** {@code lower} (a lower-case name) equals {@code b} in any case. */
    private static boolean equalsIgnoreCase(byte[] lower, byte[] b) {
        if (lower.length != b.length) {
            return false;
        }
        for (int i = 0; i < b.length; i++) {
            int x = b[i];
            if (x >= 'A' && x <= 'Z') {
                x += 32;
            }
            if (x != lower[i]) {
                return false;
            }
        }
        return true;
    }

    /** The command named {@code lowerName}, or null. */
    Command get(String lowerName) {
        return byName.get(lowerName);
    }

    /** Every command, by name (COMMAND's order). */
    Collection<Command> all() {
        return new TreeMap<>(byName).values();
    }

    /** The INFO commandstats counters of {@code c}. */
    CommandStats stats(Command c) {
        return stats.get(c);
    }

    int size() {
        return byName.size();
    }
}
