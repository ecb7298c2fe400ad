package dev.netloom.shell;

import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.utils.NonBlockingReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Passwords for client commands (ftp, mail): asked on the terminal without echo, or read from stdin. */
final class Passwords {

    private Passwords() {
    }

    /** Whether {@link #ask} can ask: in the shell, or with a console at an interactive terminal. */
    static boolean atTerminal(Shell shell) {
        return shell.lineReader().isPresent() || (System.console() != null && Terminals.interactive());
    }

    /** Asks for the password of {@code who} without echo; a ShellException when there is no terminal. */
    static String ask(Shell shell, String who) {
        if (!atTerminal(shell)) {
            throw new ShellException("a password for " + who + " is needed: give it with --password-stdin "
                    + "(the first line of stdin) or run on a terminal");
        }
        return prompted(shell, "Password for " + who + ": ");
    }

    /**
     * Asks for a new password for {@code who} twice without echo, as htpasswd and passwd do, so a
     * typo nobody saw does not become the password; a ShellException when the two differ.
     */
    static String askNew(Shell shell, String who) {
        String first = ask(shell, who);
        if (first.isEmpty()) {
            return first;
        }
        if (!first.equals(prompted(shell, "Again: "))) {
            throw new ShellException("the two passwords differ: nothing was hashed or saved");
        }
        return first;
    }

    private static String prompted(Shell shell, String prompt) {
        if (shell.lineReader().isPresent()) {
            return readHidden(shell.lineReader().get().getTerminal(), prompt);
        }
        char[] typed = System.console().readPassword("%s", prompt);
        if (typed == null) {
            throw new ShellException("no password given");
        }
        return new String(typed);
    }

    /**
     * One line from the terminal with its echo off. Not JLine's masked readLine: on a dumb
     * terminal that starts a thread redrawing the prompt every few milliseconds. Between shell
     * lines the terminal is in its cooked mode, so the line is edited by the terminal itself and
     * Ctrl-C arrives as an interrupt, checked every 100 ms.
     */
    private static String readHidden(Terminal terminal, String prompt) {
        Attributes saved = terminal.getAttributes();
        Attributes quiet = new Attributes(saved);
        quiet.setLocalFlag(Attributes.LocalFlag.ECHO, false);
        terminal.setAttributes(quiet);
        terminal.writer().print(prompt);
        terminal.writer().flush();
        StringBuilder line = new StringBuilder();
        try {
            while (true) {
                int c = terminal.reader().read(100);
                if (c == NonBlockingReader.READ_EXPIRED) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new ShellException("no password given");
                    }
                } else if (c < 0 || c == 3 || (c == 4 && line.isEmpty())) {
                    throw new ShellException("no password given");
                } else if (c == '\n' || c == '\r') {
                    return line.toString();
                } else if (c == 127 || c == '\b') {
                    line.setLength(Math.max(0, line.length() - 1));
                } else {
                    line.append((char) c);
                }
            }
        } catch (IOException e) {
            throw new ShellException("cannot read the password: " + e.getMessage());
        } finally {
            terminal.setAttributes(saved);
            terminal.writer().println();
            terminal.writer().flush();
        }
    }

    /**
     * The first line of stdin, without its line end ({@code --password-stdin}); read byte by byte
     * so nothing after it is taken.
     */
    static String stdinLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = System.in.read()) >= 0 && b != '\n') {
                line.write(b);
            }
        } catch (IOException e) {
            throw new ShellException("cannot read the password from stdin: " + e.getMessage());
        }
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
