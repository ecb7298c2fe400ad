package dev.netloom.kv;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One row of the command table, as an entry of Redis's {@code src/commands/*.json}: the name
 * (lower case), the arity (N exactly, or -N for at least N, counting the name), the flags, where
 * the keys are, and the handler. COMMAND and COMMAND INFO answer from these rows.
 *
 * @param flags the flags, iterated in {@link CommandFlag}'s order (an EnumSet; not to be changed)
 */
record Command(String name, int arity, Set<CommandFlag> flags, KeySpec keySpec, Handler handler) {

    /** Runs the command; writes its reply to {@code c.out}, or throws a {@link KvError}. */
    @FunctionalInterface
    interface Handler {
        void run(Client c, byte[][] argv);
    }

    Command {
        flags = flags.isEmpty() ? EnumSet.noneOf(CommandFlag.class) : EnumSet.copyOf(flags);
    }

    boolean has(CommandFlag flag) {
        return flags.contains(flag);
    }

    /** Whether it may change the dataset (and so is logged to the AOF when it did). */
    boolean write() {
        return flags.contains(CommandFlag.WRITE);
    }

    boolean arityOk(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    /** The key arguments of {@code argv} (none for a command without keys). */
    List<byte[]> keys(byte[][] argv) {
        return keySpec.keys(argv);
    }
}
