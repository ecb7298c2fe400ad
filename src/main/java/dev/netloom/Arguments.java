package dev.netloom;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Stack;

/**
 * netloom's command line, parsed by picocli: {@code -c}, {@code -f}, {@code -h}/{@code --help} and
 * {@code -V}/{@code --version} only before the first word (so {@code netloom ftp get URL -c} keeps
 * ftp's {@code -c}), {@code --config FILE} (or {@code --config=FILE}) anywhere, and the words: a
 * shell command, or {@code serve SVC...}. Words that look like options are words; {@code -c} and
 * {@code -f} take any next argument as their value, even one that starts with a dash; given twice,
 * the last counts. A missing value is a {@link UsageException} ({@code option --config needs a value}).
 */
@Command(name = "netloom")
final class Arguments {

    /** What ends the run at once, before any config is read. */
    enum Early { HELP, VERSION }

    private Path config;
    private Early early;
    @Option(names = "-c", paramLabel = "CMDS", preprocessor = AttachedIsWord.class)
    private String commands;
    @Option(names = "-f", paramLabel = "SCRIPT", preprocessor = AttachedIsWord.class)
    private Path script;
    @Parameters(paramLabel = "WORD")
    private List<String> words = new ArrayList<>();

    private Arguments() {
    }

    @Option(names = "--config", paramLabel = "FILE")
    private void config(Path file) {
        config = file;
    }

    // one name an option, so that AttachedIsWord knows which was typed
    @Option(names = "-h", preprocessor = AttachedIsWord.class)
    private void help(boolean on) {
        early(Early.HELP);
    }

    @Option(names = "--help", preprocessor = AttachedIsWord.class)
    private void longHelp(boolean on) {
        early(Early.HELP);
    }

    @Option(names = "-V", preprocessor = AttachedIsWord.class)
    private void version(boolean on) {
        early(Early.VERSION);
    }

    @Option(names = "--version", preprocessor = AttachedIsWord.class)
    private void longVersion(boolean on) {
        early(Early.VERSION);
    }

    /** The first of help and version counts, as it would have ended the run there. */
    private void early(Early asked) {
        early = early == null ? asked : early;
    }

    /**
     * Parses {@code args}; a help or version option seen before a missing value wins, as it
     * would have ended the run there.
     *
     * @throws UsageException when an option has no value
     */
    static Arguments parse(String[] args) {
        Arguments a = new Arguments();
        CommandLine cl = new CommandLine(a)
                .setStopAtPositional(true)
                .setUnmatchedOptionsArePositionalParams(true)
                .setAllowOptionsAsOptionParameters(true)
                .setOverwrittenOptionsAllowed(true)
                .setPosixClusteredShortOptionsAllowed(false)
                .setExpandAtFiles(false)
                .setEndOfOptionsDelimiter("\0"); // no "--": netloom -- x is the shell's word "--", as before

        try {
            cl.parseArgs(args);
        } catch (CommandLine.MissingParameterException e) {
            if (a.early != null) {
                return a;
            }
            throw new UsageException("option " + ((OptionSpec) e.getMissing().get(0)).longestName() + " needs a value");
        }
        a.wordConfig();
        return a;
    }

    /** {@code --config} after the first word is still netloom's ({@code netloom serve echo --config f}). */
    private void wordConfig() {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--config")) {
                if (i + 1 == words.size()) {
                    throw new UsageException("option --config needs a value");
                }
                config = Path.of(words.get(++i));
            } else if (w.startsWith("--config=")) {
                config = Path.of(w.substring("--config=".length()));
            } else {
                kept.add(w);
            }
        }
        words = kept;
    }

    /** The config file named by {@code --config}, or null. */
    Path config() {
        return config;
    }

    /** Help or version, asked for before the first word; null when neither was. */
    Early early() {
        return early;
    }

    /** The text of {@code -c}, or null. */
    String commands() {
        return commands;
    }

    /** The file of {@code -f}, or null. */
    Path script() {
        return script;
    }

    /** The words after the options: a shell command, {@code serve SVC...}, or none for the shell. */
    List<String> words() {
        return words;
    }

    /** Whether the words ask for headless mode. */
    boolean serve() {
        return !words.isEmpty() && words.get(0).equals("serve");
    }

    /** Whether the words ask for serve's usage: {@code serve ... -h|--help}, or {@code help serve}. */
    boolean serveHelp() {
        return serve() && (words.contains("-h") || words.contains("--help")) || words.equals(List.of("help", "serve"));
    }

    /**
     * {@code -c=x}, {@code --help=x} and the like are not netloom's options but the first word (an
     * unknown command, as they always were), and every argument after them is a word too.
     */
    static final class AttachedIsWord implements CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(Stack<String> args, CommandSpec spec, ArgSpec option, Map<String, Object> info) {
            if (!"=".equals(info.get("separator"))) {
                return false;
            }
            List<String> words = ((Arguments) spec.userObject()).words;
            words.add(((OptionSpec) option).longestName() + "=" + args.pop());
            while (!args.isEmpty()) {
                words.add(args.pop());
            }
            return true;
        }
    }

    /** An option without its value. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
