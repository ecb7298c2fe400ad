package dev.netloom.shell;

import dev.netloom.tools.IcmpPing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code ping HOST [-c COUNT] [-i INTERVAL] [-W TIMEOUT]}: real ICMP echo with {@link IcmpPing}
 * when this process may send it (root or CAP_NET_RAW); otherwise it refuses at once, saying
 * what is needed, with exit code 2 (rather than let the JDK fall back to a TCP probe on port 7
 * and call that ping). Exit code 0 when a reply came back, 1 when none did.
 */
@Command(name = "ping", description = {
        "ICMP echo to HOST, as ping does (needs root or CAP_NET_RAW).",
        "A line per reply with its round-trip time, 'Request timeout for seq N',",
        "ping's summary at the end. Without root, give the java binary the capability",
        "(setcap cap_net_raw+ep); tcpping and udpping need neither.",
        "Exit code 0 if any reply came back, 1 if none did, 2 for usage errors",
        "or without the privilege."})
final class PingCommand extends ShellBound {

    @Mixin
    PingOptions options;
    @Parameters(index = "0", paramLabel = "HOST")
    String host;

    @Override
    public Integer call() {
        var schedule = options.schedule();
        if (!IcmpPing.privileged()) {
            return options.refuse(IcmpPing.NEEDS);
        }
        InetAddress to;
        try {
            to = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return options.refuse("unknown host " + host);
        }
        IcmpPing ping = new IcmpPing(host, to, schedule);
        return PingOptions.execute(() -> ping.run(shell.out()));
    }
}
