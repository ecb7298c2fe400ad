package dev.netloom.shell;

import dev.netloom.core.PasswordHash;
import picocli.CommandLine.Command;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code ftp-passwd} (alias {@code smtp-passwd}): reads a password and prints its hash for
 * {@code ftp.user.NAME.password} and {@code smtp.user.NAME.password}
 * (see {@link PasswordHash}). In the shell and at a terminal it asks without echo; with stdin
 * piped ({@code netloom ftp-passwd < file}) it takes the first line. The password itself is
 * never printed; an empty one is refused with exit code 1.
 */
@Command(name = "ftp-passwd", aliases = "smtp-passwd", description = {
        "Read a password (without echo at a terminal, else the first line of stdin) and print its hash",
        "for ftp.user.NAME.password or smtp.user.NAME.password in netloom.properties."})
final class FtpPasswdCommand implements Callable<Integer> {

    private final Shell shell;

    FtpPasswdCommand(Shell shell) {
        this.shell = shell;
    }

    @Override
    public Integer call() throws IOException {
        char[] password = read();
        try {
            if (password == null || password.length == 0) {
                throw new ShellException("no password given");
            }
            shell.out().println(PasswordHash.create(password));
            shell.out().flush();
            return 0;
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    private char[] read() throws IOException {
        if (shell.lineReader().isPresent()) {
            String line = shell.lineReader().get().readLine("password: ", '\0');
            return line == null ? null : line.toCharArray();
        }
        if (Terminals.interactive() && System.console() != null) {
            return System.console().readPassword("password: ");
        }
        // not closed: it is the process's stdin
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return line == null ? null : line.toCharArray();
    }
}
