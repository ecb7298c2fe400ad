package dev.netloom.shell;

import dev.netloom.core.ConnectionInfo;
import dev.netloom.core.ServiceState;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

import java.util.List;
import java.util.Set;

/**
 * Tab completion: command names first; then service names (all for {@code start}, running ones
 * for {@code stop}, {@code conns}, {@code kill}); then {@code key=} for {@code start} (in a local
 * shell) and connection ids for {@code kill}. Attached, the names and ids come from the admin API.
 */
final class ShellCompleter implements Completer {

    private static final Set<String> RUNNING_ONLY = Set.of("stop", "conns", "kill");
    private static final Set<String> TAKES_SERVICE = Set.of("start", "stop", "restart", "status", "conns", "kill",
            "config", "logs");

    private final Shell shell;

    ShellCompleter(Shell shell) {
        this.shell = shell;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        try {
            candidates(line, candidates);
        } catch (RuntimeException e) {
            // an attached instance that cannot be reached now, a service that stopped: nothing to offer
        }
    }

    private void candidates(ParsedLine line, List<Candidate> candidates) {
        List<String> words = line.words();
        int index = line.wordIndex();
        if (index == 0) {
            shell.commandNames().forEach(c -> candidates.add(new Candidate(c)));
            return;
        }
        String command = words.get(0);
        Instance instance = shell.instance();
        if (index == 1 && command.equals("help")) {
            shell.commandNames().forEach(c -> candidates.add(new Candidate(c)));
        } else if (index == 1 && TAKES_SERVICE.contains(command)) {
            for (Instance.ServiceView v : instance.services()) {
                if (v.state() == ServiceState.RUNNING || !RUNNING_ONLY.contains(command)) {
                    candidates.add(new Candidate(v.name(), v.name(), null, v.description(), null, null, true));
                }
            }
            if (command.equals("config")) {
                candidates.add(new Candidate("reload", "reload", null, "read the config files again", null, null, true));
            }
        } else if (index >= 2 && (command.equals("start") || command.equals("restart")) && shell.registry() != null) {
            String service = words.get(1);
            shell.registry().types().stream().filter(t -> t.name().equals(service)).findFirst().ifPresent(t ->
                    t.keys().forEach(k -> candidates.add(
                            new Candidate(k.name() + "=", k.name() + "=", null, k.description(), null, null, false))));
        } else if (index == 2 && command.equals("kill")) {
            instance.connections(words.get(1)).forEach((ConnectionInfo c) -> candidates.add(new Candidate(
                    String.valueOf(c.id()), String.valueOf(c.id()), null, String.valueOf(c.remote()), null, null, true)));
        }
    }
}
