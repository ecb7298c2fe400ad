package dev.netloom.shell;

import dev.netloom.tools.TcpPing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * {@code tcpping HOST PORT [-c COUNT] [-i INTERVAL] [-W TIMEOUT]}: TCP connect times with
 * {@link TcpPing}, refusals and timeouts told apart, then ping's summary. Exit code 0 when a
 * connect succeeded, 1 when none did, 2 for usage errors and a host that does not resolve.
 */
@Command(name = "tcpping", description = {
        "Time TCP connects to HOST PORT, as ping does.",
        "A line per attempt: 'connected to HOST:PORT: seq=N time=T ms',",
        "'seq=N refused (...)' or 'seq=N timeout after T ms'; ping's summary at the",
        "end (refusals count as errors).",
        "Exit code 0 if any connect succeeded, 1 if none did, 2 for usage errors."})
final class TcpPingCommand extends ShellBound {

    @Mixin
    PingOptions options;
    @Parameters(index = "0", paramLabel = "HOST")
    String host;
    @Parameters(index = "1", paramLabel = "PORT", description = "1-65535")
    int port;

    @Override
    public Integer call() {
        var schedule = options.schedule();
        if (port < 1 || port > 65535) {
            throw options.usage("PORT must be 1-65535, not " + port);
        }
        InetSocketAddress to;
        try {
            to = new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            return options.refuse("unknown host " + host);
        }
        TcpPing ping = new TcpPing(to, schedule);
        return PingOptions.execute(() -> ping.run(shell.out()));
    }
}
