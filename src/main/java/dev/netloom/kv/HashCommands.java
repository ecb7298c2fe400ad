package dev.netloom.kv;

/** Placeholder until the family is written. */
final class HashCommands {

    private HashCommands() {
    }

    static void register(CommandTable t) {
    }
}
