package dev.netloom.smtp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Host} header values the JSON API answers, against DNS rebinding: a web page on
 * {@code evil.example} whose name is made to resolve to 127.0.0.1 can have the browser call the
 * API, but the browser still sends {@code Host: evil.example}, which is refused with 403 (as
 * Vite's and webpack-dev-server's allowed-hosts checks do). Accepted, with or without a port:
 * {@code localhost}, {@code smtp.hostname}, {@code smtp.host}, and any IP literal that is a loopback
 * address or the address the request arrived on (a rebinding page cannot send an IP literal of
 * its own name). A request without Host (HTTP/1.0; no browser sends one) is answered.
 */
final class ApiHosts {

    /** name, [v6], or either with :port. */
    private static final Pattern HOST = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^\\[\\]:]+)(?::[0-9]{1,5})?");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private final Set<String> names;

    /** Names (any case) besides localhost and IP literals; {@code smtp.hostname} and {@code smtp.host}. */
    ApiHosts(String... names) {
        // a wildcard bind address is no name of ours: Host 0.0.0.0 is an attack of its own
        this.names = Set.of(Arrays.stream(names).map(ApiHosts::canonical)
                .filter(n -> !n.isEmpty() && !n.equals("0.0.0.0") && !n.equals("::") && !n.equals("[::]"))
                .distinct().toArray(String[]::new));
    }

    /**
     * Whether a request with this Host header, arriving on {@code local}, is answered.
     *
     * @param host  the Host header, or null when absent
     * @param local the address the request arrived on
     */
    boolean allows(String host, InetAddress local) {
        if (host == null) {
            return true;
        }
        Matcher m = HOST.matcher(host.strip());
        if (!m.matches()) {
            return false;
        }
        String name = canonical(m.group(1));
        if (name.equals("localhost") || names.contains(name)) {
            return true;
        }
        InetAddress literal = literal(name);
        return literal != null && (literal.isLoopbackAddress() || literal.equals(local));
    }

    /** Lower case, without a root dot. */
    private static String canonical(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** The address of an IPv4 or bracketed IPv6 literal, null for a name (never looked up in DNS). */
    private static InetAddress literal(String name) {
        try {
            if (name.startsWith("[") && name.endsWith("]")) {
                // with a ':' the JDK parses an IPv6 literal and never asks DNS
                return InetAddress.getByName(name.substring(1, name.length() - 1));
            }
            if (IPV4.matcher(name).matches()) {
                byte[] octets = new byte[4];
                String[] parts = name.split("\\.");
                for (int i = 0; i < 4; i++) {
                    int v = Integer.parseInt(parts[i]);
                    if (v > 255) {
                        return null;
                    }
                    octets[i] = (byte) v;
                }
                return InetAddress.getByAddress(octets);
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }
}
