package dev.netloom.kv;

/** Placeholder until the family is written. */
final class SetCommands {

    private SetCommands() {
    }

    static void register(CommandTable t) {
    }
}
