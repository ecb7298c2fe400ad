package dev.netloom.shell;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code monitor}: the parent of the traffic tools (docs/monitor.md): {@code monitor capture}
 * ({@link MonitorCaptureCommand}), {@code monitor analyze} ({@link MonitorAnalyzeCommand}), {@code monitor bw}
 * ({@link MonitorBwCommand}) and {@code monitor probe} ({@link MonitorProbeCommand}). Alone it
 * prints its usage, the list of its subcommands.
 */
@Command(name = "monitor", description = {"Capture and analyse traffic; bandwidth and loss.",
        "monitor capture: packets through libpcap, as tcpdump; monitor analyze: a capture file's flows and TCP analysis;"
                + " monitor top: live rates per conversation; monitor bw: bandwidth history and rates per interface; monitor probe: loss and RTT to targets."},
        subcommands = {MonitorCaptureCommand.class, MonitorAnalyzeCommand.class, MonitorTopCommand.class,
                MonitorBwCommand.class, MonitorProbeCommand.class})
final class MonitorCommand extends ShellBound {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(shell.out());
        shell.out().flush();
        return 0;
    }
}
