package dev.netloom.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.monitor.ProbeRun;
import dev.netloom.monitor.ProbeStats;
import dev.netloom.monitor.ProbeTarget;
import dev.netloom.tools.IcmpPing;
import dev.netloom.tools.PingSchedule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code monitor probe TARGET... [-c N] [-i INTERVAL] [-W TIMEOUT] [--json]}: continuous ICMP,
 * UDP and TCP probes ({@link ProbeRun}) to several targets at once, with loss, RTT
 * min/avg/p50/p99/max and jitter per target. At a terminal a table redrawn each second; without
 * one a line per target each interval (at most one a second), or with {@code -c} only the table
 * at the end. Ctrl-C or the last of {@code -c} probes ends it with the final table (or JSON).
 * Exit code 0 when every target answered at least once, 1 when one did not, 2 for usage errors,
 * an unknown host, or ICMP without the privilege.
 */
@Command(name = "probe", description = {"Loss, RTT and jitter to targets, probed continuously.",
        "TARGET is icmp://HOST (or HOST), udp://HOST[:PORT] (the ping service, 7009, or any UDP echo)",
        "or tcp://HOST:PORT (a connect). Per target: sent, received, loss %, RTT min/avg/p50/p99/max",
        "and jitter (RFC 3550's estimate over consecutive RTTs), in ms. Ctrl-C or -c N ends it.",
        "Exit code 0 if every target answered, 1 if one did not, 2 for usage errors."})
final class MonitorProbeCommand extends ShellBound {

    @Spec
    CommandSpec spec;
    @Parameters(arity = "1..*", paramLabel = "TARGET", description = "icmp://HOST, udp://HOST[:PORT], tcp://HOST:PORT")
    List<String> targets;
    @Option(names = "-c", paramLabel = "COUNT", description = "probes per target, then the final table (default: until Ctrl-C)")
    int count;
    @Option(names = "-i", paramLabel = "INTERVAL", description = "seconds between probes of a target (default 1; decimals allowed)")
    String interval = "1";
    @Option(names = "-W", paramLabel = "TIMEOUT", description = "seconds to wait for each answer (default 1; decimals allowed)")
    String timeout = "1";
    @Option(names = "--json", description = "print the final statistics as one JSON document, nothing before")
    boolean json;

    @Override
    public Integer call() {
        List<ProbeTarget> parsed = new ArrayList<>();
        for (String t : targets) {
            try {
                parsed.add(ProbeTarget.parse(t));
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        PingSchedule schedule;
        try {
            schedule = new PingSchedule(Math.max(1, count), seconds("-i", interval), seconds("-W", timeout));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (count < 0) {
            throw usage("-c (count) must be 1-" + PingSchedule.MAX_COUNT + ", not " + count);
        }
        if (parsed.stream().anyMatch(t -> t.kind().equals("icmp")) && !IcmpPing.privileged()) {
            return refuse(IcmpPing.NEEDS);
        }
        ProbeRun run = new ProbeRun(parsed, count, schedule.interval(), schedule.timeout());
        try {
            run.start();
        } catch (IOException e) {
            return refuse(e.getMessage());
        }
        return PingOptions.untilInterrupted(() -> watch(run, schedule.interval()));
    }

    private int watch(ProbeRun run, Duration probeInterval) throws IOException {
        PrintWriter out = shell.out();
        boolean live = !json && (shell.interactive() || Terminals.interactive());
        Duration tick = live ? Duration.ofSeconds(1) : probeInterval.compareTo(Duration.ofSeconds(1)) < 0
                ? Duration.ofSeconds(1) : probeInterval;
        boolean lines = !json && !live && count == 0;
        int drawn = 0;
        try (run) {
            while (!run.await(tick)) {
                if (live) {
                    drawn = redraw(out, run.snapshots(), drawn);
                } else if (lines) {
                    run.snapshots().forEach(s -> out.println(line(s)));
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            // Ctrl-C: the statistics as they are
        }
        List<ProbeStats.Snapshot> end = run.snapshots();
        if (json) {
            printJson(out, end);
        } else {
            if (live && drawn > 0) {
                out.print("\033[" + drawn + "A\033[J");
            }
            out.print(table(end));
            out.flush();
        }
        return end.stream().allMatch(s -> s.received() > 0) ? 0 : 1;
    }

    /** Draws the table over the one drawn before ({@code drawn} lines), returns how many lines it took. */
    private static int redraw(PrintWriter out, List<ProbeStats.Snapshot> now, int drawn) {
        String text = table(now);
        if (drawn > 0) {
            out.print("\033[" + drawn + "A\033[J");
        }
        out.print(text);
        out.flush();
        return (int) text.lines().count();
    }

    /** The table of every target, then a line per target with its last error. */
    static String table(List<ProbeStats.Snapshot> all) {
        StringWriter text = new StringWriter();
        PrintWriter w = new PrintWriter(text);
        Table t = Table.of("TARGET", "SENT", "RECV", "ERR", "LOSS", "MIN", "AVG", "P50", "P99", "MAX", "JITTER");
        for (ProbeStats.Snapshot s : all) {
            t.row(s.target(), s.sent(), s.received(), s.errors(), loss(s.lossPercent()), ms(s.minMs()), ms(s.avgMs()),
                    ms(s.p50Ms()), ms(s.p99Ms()), ms(s.maxMs()), ms(s.jitterMs()));
        }
        t.print(w);
        w.println("(times in ms; jitter: RFC 3550's estimate over consecutive round-trip times)");
        for (ProbeStats.Snapshot s : all) {
            if (s.lastError() != null) {
                w.println(s.target() + ": " + s.lastError());
            }
        }
        w.flush();
        return text.toString();
    }

    /** One target's statistics on one line, for scripts and logs. */
    static String line(ProbeStats.Snapshot s) {
        String head = s.target() + ": sent " + s.sent() + ", received " + s.received() + ", loss " + loss(s.lossPercent());
        if (s.received() == 0) {
            return head + (s.lastError() != null ? " (" + s.lastError() + ")" : "");
        }
        return head + ", rtt min/avg/p50/p99/max = " + ms(s.minMs()) + "/" + ms(s.avgMs()) + "/" + ms(s.p50Ms()) + "/"
                + ms(s.p99Ms()) + "/" + ms(s.maxMs()) + " ms, jitter " + ms(s.jitterMs()) + " ms";
    }

    private void printJson(PrintWriter out, List<ProbeStats.Snapshot> all) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("jitter", "rfc3550");
        ArrayNode list = root.putArray("targets");
        for (ProbeStats.Snapshot s : all) {
            ObjectNode o = list.addObject();
            o.put("target", s.target());
            o.put("sent", s.sent());
            o.put("received", s.received());
            o.put("errors", s.errors());
            o.put("loss_percent", s.lossPercent());
            ObjectNode rtt = o.putObject("rtt_ms");
            rtt.put("min", s.minMs());
            rtt.put("avg", s.avgMs());
            rtt.put("p50", s.p50Ms());
            rtt.put("p99", s.p99Ms());
            rtt.put("max", s.maxMs());
            o.put("jitter_ms", s.jitterMs());
            o.put("last_error", s.lastError());
        }
        out.println(mapper.writeValueAsString(root));
        out.flush();
    }

    private static String loss(double percent) {
        return (percent == Math.rint(percent) ? String.format(Locale.ROOT, "%.0f", percent)
                : String.format(Locale.ROOT, "%.1f", percent)) + "%";
    }

    private static String ms(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    private Duration seconds(String option, String text) {
        Duration d = PingSchedule.seconds(text);
        if (d == null) {
            throw usage(option + ": '" + text + "' is not a number of seconds (such as 1, 0.2)");
        }
        return d;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private int refuse(String message) {
        spec.commandLine().getErr().println("error: " + message);
        spec.commandLine().getErr().flush();
        return 2;
    }
}
