package dev.netloom.shell;

import picocli.CommandLine;

/**
 * The picocli factory of the shell: makes every command object (the commands and the
 * subcommands their {@code @Command(subcommands = ...)} name) with picocli's default factory,
 * then hands a {@link ShellBound} command its {@link Shell}.
 */
final class CommandFactory implements CommandLine.IFactory {

    private final Shell shell;
    private final CommandLine.IFactory made = CommandLine.defaultFactory();

    CommandFactory(Shell shell) {
        this.shell = shell;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        K object = made.create(type);
        if (object instanceof ShellBound command) {
            command.shell = shell;
        }
        return object;
    }
}
