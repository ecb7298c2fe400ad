package dev.netloom.kv;

/** Placeholder until the family is written. */
final class ListCommands {

    private ListCommands() {
    }

    static void register(CommandTable t) {
    }
}
