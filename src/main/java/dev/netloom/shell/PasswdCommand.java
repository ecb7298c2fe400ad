package dev.netloom.shell;

import dev.netloom.core.ConfigFile;
import dev.netloom.core.LocalFile;
import dev.netloom.core.PasswordHash;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ftp-passwd} and {@code smtp-passwd}: read a password and print its hash for
 * {@code SVC.user.NAME.password} (see {@link PasswordHash}), or with {@code --user NAME --save}
 * write it, and NAME into {@code SVC.users}, to {@code netloom.local.properties} in the netloom
 * home: the untracked, mode 0600 file read after netloom.properties, so no hash lands in the
 * tracked file. In the shell and at a terminal it asks twice without echo ({@code Again:}, as
 * htpasswd does) and refuses two different answers with exit code 1; with stdin piped
 * ({@code netloom ftp-passwd < file}) it takes the first line, once. The password itself is never
 * printed; an empty one is refused with exit code 1.
 */
abstract class PasswdCommand extends ShellBound {

    private final String service;
    @Spec
    CommandSpec spec;
    @Option(names = "--user", paramLabel = "NAME", description = "the user (letters, digits, _ and -)")
    String user;
    @Option(names = "--save", description = "save to netloom.local.properties (mode 0600, not tracked) instead of printing")
    boolean save;

    PasswdCommand(String service) {
        this.service = service;
    }

    @Command(name = "ftp-passwd", description = {"Hash a password for an ftp user, and print or save it.",
            "Asks twice without echo at a terminal, else reads the first line of stdin.",
            "Without --user: print the hash for ftp.user.NAME.password.",
            "With --user NAME: print the whole line ftp.user.NAME.password=HASH.",
            "With --save too: write that line (and NAME into ftp.users) to",
            "netloom.local.properties in the netloom home (0600, not tracked) instead."})
    static final class Ftp extends PasswdCommand {
        Ftp() {
            super("ftp");
        }
    }

    @Command(name = "smtp-passwd", description = {"Hash a password for an smtp user, and print or save it.",
            "Asks twice without echo at a terminal, else reads the first line of stdin.",
            "Without --user: print the hash for smtp.user.NAME.password.",
            "With --user NAME: print the whole line smtp.user.NAME.password=HASH.",
            "With --save too: write that line (and NAME into smtp.users) to",
            "netloom.local.properties in the netloom home (0600, not tracked) instead."})
    static final class Smtp extends PasswdCommand {
        Smtp() {
            super("smtp");
        }
    }

    @Override
    public Integer call() throws IOException {
        if (user != null && !user.matches("[A-Za-z0-9_-]+")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--user: '" + user
                    + "' is not a user name (letters, digits, _ and -)");
        }
        if (save && user == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--save needs --user NAME");
        }
        char[] password = read();
        String hash;
        try {
            if (password == null || password.length == 0) {
                throw new ShellException("no password given");
            }
            hash = PasswordHash.create(password);
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
        String key = service + ".user." + user + ".password";
        if (user == null) {
            shell.out().println(hash);
        } else if (!save) {
            shell.out().println(key + "=" + hash);
        } else {
            Map<String, String> values = new LinkedHashMap<>();
            values.put(service + ".users", String.join(",", users()));
            values.put(key, hash);
            Path file = LocalFile.save(shell.registry().configFile().home(), values);
            shell.out().println("saved " + key + " and " + service + ".users=" + values.get(service + ".users") + " to "
                    + file + " (mode 0600, not tracked); `restart " + service + "` uses it");
        }
        shell.out().flush();
        return 0;
    }

    /** The users the files list now, with {@code user} added. */
    private List<String> users() {
        ConfigFile now = shell.registry().current();
        List<String> names = new ArrayList<>();
        for (String n : now.effective(service).getOrDefault("users", "").split(",")) {
            if (!n.isBlank() && !names.contains(n.strip())) {
                names.add(n.strip());
            }
        }
        if (!names.contains(user)) {
            names.add(user);
        }
        return names;
    }

    private char[] read() throws IOException {
        if (Passwords.atTerminal(shell)) { // asked twice, echo off
            return Passwords.askNew(shell, "the " + service + " user" + (user == null ? "" : " " + user)).toCharArray();
        }
        // not closed: it is the process's stdin
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return line == null ? null : line.toCharArray();
    }
}
