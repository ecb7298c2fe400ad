package dev.netloom.core;

import java.net.InetSocketAddress;

/**
 * A host and a port as netloom reads and writes them: {@code HOST:PORT}, an IPv6 host in brackets
 * ({@code [::1]:7007}). {@link #parse} reads what a client command is given; {@link #format}
 * writes what {@code start}, {@code status} and the log show.
 */
public record HostPort(String host, int port) {

    /**
     * Parses {@code HOST:PORT}, {@code [V6]:PORT}, {@code PORT} alone (meaning 127.0.0.1:PORT), or
     * {@code HOST} (a bare IPv6 address too) alone when {@code defaultPort} is not 0.
     *
     * @throws IllegalArgumentException {@code 'TEXT' is not HOST:PORT or PORT (a port is 1-65535)}
     *                                  when the text is none of the forms
     */
    public static HostPort parse(String text, int defaultPort) {
        String t = text.strip();
        if (t.matches("\\d{1,5}")) {
            return check(text, "127.0.0.1", t);
        }
        int colon = t.lastIndexOf(':');
        boolean bareV6 = colon >= 0 && t.indexOf(':') != colon && !t.startsWith("[");
        if (colon < 0 || bareV6 || t.endsWith("]")) {
            if (defaultPort == 0) {
                throw new IllegalArgumentException(notHostPort(text));
            }
            return check(text, unbracket(t), Integer.toString(defaultPort));
        }
        return check(text, unbracket(t.substring(0, colon)), t.substring(colon + 1));
    }

    /** {@code host} without the brackets of {@code [V6]}; any other text as it is. */
    public static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** {@code HOST:PORT}, an IPv6 host (one with a colon) in brackets. */
    public static String format(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Formats an address as {@code HOST:PORT} without a host name lookup (the IP if resolved); {@code -} for null. */
    public static String format(InetSocketAddress a) {
        if (a == null) {
            return "-";
        }
        return format(a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString(), a.getPort());
    }

    private static String notHostPort(String text) {
        return "'" + text + "' is not HOST:PORT or PORT (a port is 1-65535)";
    }

    private static HostPort check(String text, String host, String port) {
        if (host.isEmpty() || !port.matches("\\d{1,5}") || Integer.parseInt(port) == 0 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException(notHostPort(text));
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    /** An unresolved address of the host and port (no lookup until a connect). */
    public InetSocketAddress unresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return format(host, port);
    }
}
