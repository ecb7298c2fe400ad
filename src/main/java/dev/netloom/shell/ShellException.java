package dev.netloom.shell;

/**
 * A shell command could not do what was asked; the message is shown as {@code error: ...}. A
 * {@link #usage} one is a usage error (what was typed cannot be right), exit code 2; others exit 1.
 */
final class ShellException extends RuntimeException {

    private final boolean usage;

    ShellException(String message) {
        this(message, false);
    }

    private ShellException(String message, boolean usage) {
        super(message);
        this.usage = usage;
    }

    /** A usage error: a bad argument or option value, checked by the command itself. */
    static ShellException usage(String message) {
        return new ShellException(message, true);
    }

    boolean isUsage() {
        return usage;
    }
}
