package dev.netloom.kv;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Every command by lower-case name; each family of commands adds its own rows. */
final class CommandTable {

    private final Map<String, Command> byName = new HashMap<>();
    /**
     * The same commands in an open-addressed table keyed by the name's bytes, any case: the
     * lookup for every request, with no String made. Built once all rows are in.
     */
    private Command[] slots;
    private byte[][] slotNames;

    CommandTable() {
        ConnectionCommands.register(this);
        ServerCommands.register(this);
        KeyCommands.register(this);
        StringCommands.register(this);
        ListCommands.register(this);
        HashCommands.register(this);
        SetCommands.register(this);
        ZSetCommands.register(this);
        StreamCommands.register(this);
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

    /** Adds a command: {@code flags} as words ("write fast"), keys at first..last by step (0 0 0 for none). */
    void add(String name, int arity, String flags, int first, int last, int step, Command.Handler handler) {
        if (byName.put(name, new Command(name, arity, Command.flags(flags), first, last, step, handler)) != null) {
            throw new IllegalStateException("command " + name + " added twice");
        }
    }

    /** The command named {@code name} in any case, or null. */
    Command lookup(byte[] name) {
        int mask = slots.length - 1;
        for (int i = hash(name) & mask; slots[i] != null; i = (i + 1) & mask) {
            if (equalsIgnoreCase(slotNames[i], name)) {
                return slots[i];
            }
        }
        return null;
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

    Command get(String lowerName) {
        return byName.get(lowerName);
    }

    Collection<Command> all() {
        return new TreeMap<>(byName).values();
    }

    int size() {
        return byName.size();
    }
}
