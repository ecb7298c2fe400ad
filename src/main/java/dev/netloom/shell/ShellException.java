package dev.netloom.shell;

/** A shell command could not do what was asked; the message is shown as {@code error: ...}. */
final class ShellException extends RuntimeException {
    ShellException(String message) {
        super(message);
    }
}
