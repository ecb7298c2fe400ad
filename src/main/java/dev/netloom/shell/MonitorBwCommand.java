package dev.netloom.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.monitor.BandwidthHistory;
import dev.netloom.monitor.BandwidthRow;
import dev.netloom.monitor.BandwidthSampler;
import dev.netloom.monitor.InterfaceCounters;
import dev.netloom.monitor.InterfaceRates;
import dev.netloom.monitor.Resolution;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code monitor bw [IF] [--minutes|--hours|--days] [-n ROWS] [--json]}: the bandwidth history
 * of the netloom home's {@code data/monitor/bandwidth.db} as bar charts, then the current rates
 * measured over a second (three when there is no history yet). The readings taken for those rates
 * are added to the history too. Who fills the history is described in docs/monitor.md: the
 * interactive shell samples every 10 s while it is open.
 */
@Command(name = "bw", description = {"Bandwidth per interface: history and current rates.",
        "rx and tx per minute (last 60), hour (last 24) or day (last 30) as bars scaled to the widest,",
        "from data/monitor/bandwidth.db, which the interactive shell fills every 10 s while it is open;",
        "then bytes, packets, errors and drops per second measured now. --json for scripts."})
final class MonitorBwCommand extends ShellBound {

    private static final int BAR = 40;

    @Spec
    CommandSpec spec;
    @Parameters(index = "0", arity = "0..1", paramLabel = "IF", description = "one interface (default: every one with traffic)")
    String iface;
    @Option(names = "--minutes", description = "per minute (the default; kept 24 hours)")
    boolean minutes;
    @Option(names = "--hours", description = "per hour (kept 30 days)")
    boolean hours;
    @Option(names = "--days", description = "per day (kept two years)")
    boolean days;
    @Option(names = "-n", paramLabel = "ROWS", description = "how many of the latest steps (60 minutes, 24 hours, 30 days)")
    Integer rows;
    @Option(names = "--json", description = "print one JSON document instead")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if ((minutes ? 1 : 0) + (hours ? 1 : 0) + (days ? 1 : 0) > 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give one of --minutes, --hours, --days");
        }
        Resolution res = hours ? Resolution.HOUR : days ? Resolution.DAY : Resolution.MINUTE;
        int limit = rows != null ? rows : res == Resolution.MINUTE ? 60 : res == Resolution.HOUR ? 24 : 30;
        if (limit < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-n must be 1 or more, not " + limit);
        }
        Path db = BandwidthSampler.database(shell.registry().configFile().home());
        try (BandwidthSampler sampler = new BandwidthSampler(BandwidthHistory.open(db), InterfaceCounters.PROC_NET_DEV,
                Clock.systemUTC())) {
            Map<String, InterfaceCounters> live = sampler.sample();
            BandwidthHistory history = sampler.history();
            List<String> names = names(history, live);
            boolean had = !histories(history, names, res, limit).isEmpty();
            long liveMs = had ? 1000 : 3000;
            try {
                Thread.sleep(liveMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // Ctrl-C: the rates over what time there was
            }
            sampler.sample();
            Map<String, List<BandwidthRow>> shown = histories(history, names, res, limit);
            Map<String, InterfaceRates> rates = new LinkedHashMap<>(sampler.rates());
            rates.keySet().retainAll(names);
            if (json) {
                printJson(db, res, shown, rates);
            } else {
                print(db, res, had ? shown : Map.of(), rates, names);
            }
        }
        return 0;
    }

    /** The interface asked for, or every one the history or /proc/net/dev knows; a usage error for an unknown one. */
    private List<String> names(BandwidthHistory history, Map<String, InterfaceCounters> live) throws IOException {
        TreeSet<String> all = new TreeSet<>(history.interfaces());
        all.addAll(live.keySet());
        if (iface == null) {
            return List.copyOf(all);
        }
        if (!all.contains(iface)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no interface '" + iface
                    + "' in /proc/net/dev or the history; interfaces: " + String.join(", ", all));
        }
        return List.of(iface);
    }

    /** The rows of each interface that has any (with traffic, unless it was asked for by name). */
    private Map<String, List<BandwidthRow>> histories(BandwidthHistory history, List<String> names, Resolution res,
                                                      int limit) throws IOException {
        Map<String, List<BandwidthRow>> all = new LinkedHashMap<>();
        for (String name : names) {
            List<BandwidthRow> r = history.rows(name, res, limit);
            boolean traffic = r.stream().anyMatch(b -> b.traffic().rxBytes() != 0 || b.traffic().txBytes() != 0);
            if (!r.isEmpty() && (traffic || iface != null)) {
                all.put(name, r);
            }
        }
        return all;
    }

    private void print(Path db, Resolution res, Map<String, List<BandwidthRow>> shown, Map<String, InterfaceRates> rates,
                       List<String> names) {
        PrintWriter out = shell.out();
        ZoneId zone = ZoneId.systemDefault();
        if (shown.isEmpty()) {
            out.println("no bandwidth history per " + res.label() + " yet" + (iface != null ? " for " + iface : "")
                    + " in " + db + ": the interactive shell samples every "
                    + BandwidthSampler.DEFAULT_INTERVAL.toSeconds() + " s while it is open (this run stored its readings)");
        }
        for (Map.Entry<String, List<BandwidthRow>> e : shown.entrySet()) {
            BandwidthChart.print(out, e.getKey(), e.getValue(), zone, BAR);
        }
        double seconds = rates.values().stream().mapToDouble(InterfaceRates::seconds).findFirst().orElse(0);
        out.println(String.format(Locale.ROOT, "now (over %.1f s):", seconds));
        Table t = Table.of("IF", "RX/S", "TX/S", "RX PKT/S", "TX PKT/S", "RX ERR/S", "TX ERR/S", "RX DROP/S",
                "TX DROP/S");
        for (String name : names) {
            InterfaceRates r = rates.get(name);
            if (r != null) {
                t.row(name, BandwidthChart.rate(r.rxBytes()), BandwidthChart.rate(r.txBytes()), count(r.rxPackets()),
                        count(r.txPackets()), count(r.rxErrors()), count(r.txErrors()), count(r.rxDrops()),
                        count(r.txDrops()));
            }
        }
        if (t.isEmpty()) {
            out.println("no interface in /proc/net/dev");
        } else {
            t.print(out);
        }
        out.flush();
    }

    private static String count(double perSecond) {
        return String.format(Locale.ROOT, perSecond < 10 && perSecond != 0 ? "%.1f" : "%.0f", perSecond);
    }

    private void printJson(Path db, Resolution res, Map<String, List<BandwidthRow>> shown,
                           Map<String, InterfaceRates> rates) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("database", db.toString());
        root.put("resolution", res.label());
        ArrayNode ifs = root.putArray("history");
        for (Map.Entry<String, List<BandwidthRow>> e : shown.entrySet()) {
            ObjectNode i = ifs.addObject();
            i.put("interface", e.getKey());
            ArrayNode list = i.putArray("rows");
            for (BandwidthRow r : e.getValue()) {
                ObjectNode row = list.addObject();
                row.put("start", r.start().toString());
                row.put("seconds", r.seconds());
                counters(row, r.traffic());
                row.put("rx_bytes_per_s", r.rxRate());
                row.put("tx_bytes_per_s", r.txRate());
            }
        }
        ArrayNode now = root.putArray("rates");
        for (InterfaceRates r : rates.values()) {
            ObjectNode n = now.addObject();
            n.put("interface", r.name());
            n.put("seconds", r.seconds());
            n.put("rx_bytes_per_s", r.rxBytes());
            n.put("rx_packets_per_s", r.rxPackets());
            n.put("rx_errors_per_s", r.rxErrors());
            n.put("rx_drops_per_s", r.rxDrops());
            n.put("tx_bytes_per_s", r.txBytes());
            n.put("tx_packets_per_s", r.txPackets());
            n.put("tx_errors_per_s", r.txErrors());
            n.put("tx_drops_per_s", r.txDrops());
        }
        shell.out().println(mapper.writeValueAsString(root));
        shell.out().flush();
    }

    private static void counters(ObjectNode row, InterfaceCounters c) {
        row.put("rx_bytes", c.rxBytes());
        row.put("rx_packets", c.rxPackets());
        row.put("rx_errors", c.rxErrors());
        row.put("rx_drops", c.rxDrops());
        row.put("tx_bytes", c.txBytes());
        row.put("tx_packets", c.txPackets());
        row.put("tx_errors", c.txErrors());
        row.put("tx_drops", c.txDrops());
    }
}
