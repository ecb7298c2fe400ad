package dev.netloom.kv;

/** Placeholder until the family is written. */
final class StreamCommands {

    private StreamCommands() {
    }

    static void register(CommandTable t) {
    }
}
