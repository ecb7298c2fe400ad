package dev.netloom.shell;

import dev.netloom.core.HostPort;
import dev.netloom.tools.UdpPing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * {@code udpping HOST[:PORT] [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [-s SIZE]}: ping over UDP
 * against the {@code ping} service (port 7009 unless given), with {@link UdpPing}: a line per
 * reply, timeout, late reply or duplicate, then ping's summary. An IPv6 address with a port is
 * written {@code [::1]:7009}. Exit code 0 when a reply came back, 1 when none did, 2 for usage
 * errors and a host that does not resolve.
 */
@Command(name = "udpping", description = {
        "Ping a netloom ping service over UDP, as ping does.",
        "PING <seq> <payload> datagrams; a line per PONG with its round-trip time,",
        "'Request timeout for seq N' after -W; late and duplicate replies are",
        "reported, not counted; ping's summary at the end.",
        "Exit code 0 if any reply came back, 1 if none did, 2 for usage errors."})
final class UdpPingCommand extends ShellBound {

    @Mixin
    PingOptions options;
    @Parameters(index = "0", paramLabel = "HOST[:PORT]", description = "the ping service (port 7009 unless given; [IPV6]:PORT)")
    String target;
    @Option(names = "-s", paramLabel = "SIZE", description = "bytes of data per probe (default 56, at most 65000)")
    int size = UdpPing.DEFAULT_SIZE;

    @Override
    public Integer call() {
        var schedule = options.schedule();
        HostPort at;
        try {
            at = HostPort.parse(target, UdpPing.DEFAULT_PORT);
        } catch (IllegalArgumentException e) {
            throw options.usage(e.getMessage());
        }
        InetSocketAddress to;
        try {
            to = new InetSocketAddress(InetAddress.getByName(at.host()), at.port());
        } catch (UnknownHostException e) {
            return options.refuse("unknown host " + at.host());
        }
        UdpPing ping;
        try {
            ping = new UdpPing(to, schedule, size);
        } catch (IllegalArgumentException e) {
            throw options.usage(e.getMessage());
        }
        return PingOptions.execute(() -> ping.run(shell.out()));
    }
}
