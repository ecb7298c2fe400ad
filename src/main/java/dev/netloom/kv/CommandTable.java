package dev.netloom.kv;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Every command by lower-case name; each family of commands adds its own rows. */
final class CommandTable {

    private final Map<String, Command> byName = new HashMap<>();

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
    }

    /** Adds a command: {@code flags} as words ("write fast"), keys at first..last by step (0 0 0 for none). */
    void add(String name, int arity, String flags, int first, int last, int step, Command.Handler handler) {
        if (byName.put(name, new Command(name, arity, Command.flags(flags), first, last, step, handler)) != null) {
            throw new IllegalStateException("command " + name + " added twice");
        }
    }

    Command lookup(byte[] name) {
        return byName.get(Bytes.lowerName(name));
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
