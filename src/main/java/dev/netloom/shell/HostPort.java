package dev.netloom.shell;

/**
 * Where a client command connects: {@code HOST:PORT}, {@code [V6]:PORT}, {@code PORT} alone
 * (meaning 127.0.0.1:PORT), or {@code HOST} alone when the command has a default port.
 */
record HostPort(String host, int port) {

    /**
     * Parses {@code text}; {@code defaultPort} 0 means the port must be given.
     *
     * @throws ShellException naming the text when it is none of the forms
     */
    static HostPort parse(String text, int defaultPort) {
        String t = text.strip();
        if (t.matches("\\d{1,5}")) {
            return check(text, "127.0.0.1", t);
        }
        int colon = t.lastIndexOf(':');
        boolean bareV6 = colon >= 0 && t.indexOf(':') != colon && !t.startsWith("[");
        if (colon < 0 || bareV6 || t.endsWith("]")) {
            if (defaultPort == 0) {
                throw ShellException.usage("'" + text + "' is not HOST:PORT or PORT (a port is 1-65535)");
            }
            return check(text, unbracket(t), Integer.toString(defaultPort));
        }
        return check(text, unbracket(t.substring(0, colon)), t.substring(colon + 1));
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static HostPort check(String text, String host, String port) {
        if (host.isEmpty() || !port.matches("\\d{1,5}") || Integer.parseInt(port) == 0 || Integer.parseInt(port) > 65535) {
            throw ShellException.usage("'" + text + "' is not HOST:PORT or PORT (a port is 1-65535)");
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
