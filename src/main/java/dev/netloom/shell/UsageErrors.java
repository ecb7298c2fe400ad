package dev.netloom.shell;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Usage errors in words: {@code error: --limit: 'abc' is not a whole number (N: at most N
 * messages)} instead of picocli's {@code Invalid value for option '--limit': 'abc' is not an
 * int}, then the command's synopsis and where to read more. Every usage error exits 2.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {

    static final int EXIT = 2;

    private final PrintWriter err;

    UsageErrors(PrintWriter err) {
        this.err = err;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        if (Arrays.asList(args).contains("--help") && !cmd.getCommandSpec().qualifiedName().strip().isEmpty()) {
            // `start --help` on a command without its own --help option: its usage, as `help start` prints it
            cmd.usage(cmd.getOut());
            cmd.getOut().flush();
            return 0;
        }
        err.println("error: " + message(e));
        String name = cmd.getCommandSpec().qualifiedName().strip();
        if (name.isEmpty() || name.equals("help")) { // the root, or help's own argument
            err.println("(`help` lists the commands)");
            err.flush();
            return EXIT;
        }
        err.print("usage: " + cmd.getHelp().synopsis("usage: ".length()).stripLeading());
        boolean ownHelp = cmd.getCommandSpec().findOption("--help") != null;
        err.println("(`" + (ownHelp ? name + " --help" : "help " + name) + "` for details)");
        err.flush();
        return EXIT;
    }

    /** The friendly text of {@code e}. */
    static String message(ParameterException e) {
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()) {
            return "missing " + m.getMissing().stream().map(UsageErrors::described).collect(Collectors.joining(", "));
        }
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            List<String> words = u.getUnmatched();
            String first = words.get(0);
            return first.startsWith("-") && first.length() > 1
                    ? "unknown option '" + first + "'"
                    : "unexpected argument" + (words.size() > 1 ? "s " : " ")
                    + words.stream().map(w -> "'" + w + "'").collect(Collectors.joining(" "));
        }
        String text = e.getMessage() == null ? "" : e.getMessage();
        if (text.startsWith("Unknown subcommand '")) { // help NOSUCH
            return "unknown command " + text.substring("Unknown subcommand ".length()).replaceFirst("\\.$", "");
        }
        if (text.startsWith("Missing required subcommand")) {
            return "missing a subcommand: " + String.join(", ", e.getCommandLine().getSubcommands().keySet());
        }
        if (text.startsWith("Invalid value for ") && e.getArgSpec() != null && text.contains(": ")) {
            String why = text.substring(text.indexOf(": ") + 2)
                    .replaceFirst("is not an? (int|long|short|byte|Integer|Long)$", "is not a whole number")
                    .replaceFirst("is not an? (double|float|Double|Float)$", "is not a number");
            return name(e.getArgSpec()) + ": " + why + expected(e.getArgSpec());
        }
        if (text.length() > 1 && Character.isUpperCase(text.charAt(0)) && Character.isLowerCase(text.charAt(1))) {
            return Character.toLowerCase(text.charAt(0)) + text.substring(1); // picocli's "Missing ..." in the shell's style
        }
        return text.isEmpty() ? e.getClass().getSimpleName() : text;
    }

    private static String described(ArgSpec arg) {
        return name(arg) + expected(arg);
    }

    private static String name(ArgSpec arg) {
        if (arg instanceof OptionSpec o) {
            return o.longestName();
        }
        return ((PositionalParamSpec) arg).paramLabel();
    }

    /** {@code " (N: at most N messages (default 50))"}, from the argument's label and description. */
    private static String expected(ArgSpec arg) {
        String[] d = arg.description();
        String what = d.length == 0 ? "" : d[0].strip();
        if (arg instanceof OptionSpec o && o.arity().max() > 0) {
            return " (" + o.paramLabel() + (what.isEmpty() ? "" : ": " + what) + ")";
        }
        return what.isEmpty() ? "" : " (" + what + ")";
    }
}
