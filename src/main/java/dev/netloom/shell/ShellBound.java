package dev.netloom.shell;

import java.util.concurrent.Callable;

/**
 * A shell command: picocli runs its {@code call()} and gives its exit code back. The
 * {@link CommandFactory} that makes it hands it the {@link Shell} it runs in, so a command
 * declares options and parameters and no constructor.
 */
abstract class ShellBound implements Callable<Integer> {

    /** The shell this command runs in; set by {@link CommandFactory} before picocli fills the options. */
    Shell shell;
}
