package dev.netloom.kv;

/** Placeholder until the family is written. */
final class ZSetCommands {

    private ZSetCommands() {
    }

    static void register(CommandTable t) {
    }
}
