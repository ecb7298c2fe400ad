package dev.netloom.shell;

import dev.netloom.dns.DigFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code resolve NAME}: the addresses the system resolver ({@link InetAddress#getAllByName},
 * so /etc/hosts, nsswitch and the JDK's own cache) gives for NAME, one a line, in the form
 * {@code dns NAME +short} prints them, to compare the two. Exit code 0 with addresses, 1 when
 * the name does not resolve.
 */
@Command(name = "resolve", description = {
        "Look NAME up with the system resolver (/etc/hosts, DNS).",
        "Look NAME up with the system resolver (InetAddress: /etc/hosts, nsswitch, resolv.conf) and",
        "print its addresses one a line, to compare with `dns NAME +short`. Exit code 1 if it does not resolve."})
final class ResolveCommand extends ShellBound {

    @Parameters(index = "0", paramLabel = "NAME", description = "a host name or an address")
    String name;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Override
    public Integer call() {
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            throw new ShellException(name + ": unknown host");
        }
        for (InetAddress a : all) {
            shell.out().println(DigFormat.address(a));
        }
        shell.out().flush();
        return 0;
    }
}
