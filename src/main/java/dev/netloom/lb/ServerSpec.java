package dev.netloom.lb;

import dev.netloom.core.HostPort;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One server of a pool as {@code lb.servers} writes it: {@code NAME=HOST:PORT}, with an optional
 * weight after the port ({@code b=127.0.0.1:9002*3}); weight 1 when absent, 0 to 256 (0: takes no
 * new traffic, as HAProxy's weight 0).
 *
 * @param name   unique in its pool: letters, digits, '-', '_'
 * @param host   name or address (an IPv6 literal without brackets)
 * @param port   1-65535
 * @param weight 0-256
 */
public record ServerSpec(String name, String host, int port, int weight) {

    public static final int MAX_WEIGHT = 256;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public ServerSpec {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("server name '" + name + "' is not 1-64 letters, digits, '-' or '_'");
        }
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("server " + name + ": weight " + weight + " is not 0-" + MAX_WEIGHT);
        }
    }

    /** Parses one {@code NAME=HOST:PORT[*WEIGHT]}; IllegalArgumentException says what is wrong. */
    public static ServerSpec parse(String text) {
        String t = text.strip();
        int eq = t.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not NAME=HOST:PORT[*WEIGHT]");
        }
        String name = t.substring(0, eq).strip();
        String rest = t.substring(eq + 1).strip();
        int weight = 1;
        int star = rest.lastIndexOf('*');
        if (star >= 0) {
            String w = rest.substring(star + 1).strip();
            if (!w.matches("\\d{1,3}")) {
                throw new IllegalArgumentException("server " + name + ": weight '" + w + "' is not 0-" + MAX_WEIGHT);
            }
            weight = Integer.parseInt(w);
            rest = rest.substring(0, star).strip();
        }
        HostPort hp;
        try {
            hp = HostPort.parse(rest, 0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("server " + name + ": " + e.getMessage());
        }
        return new ServerSpec(name, hp.host(), hp.port(), weight);
    }

    /** Parses a comma-separated list; names must be unique. */
    public static List<ServerSpec> parseList(String text) {
        List<ServerSpec> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            ServerSpec s = parse(part);
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("server name " + s.name() + " is given twice");
            }
            out.add(s);
        }
        return out;
    }

    @Override
    public String toString() {
        return name + "=" + HostPort.format(host, port) + (weight == 1 ? "" : "*" + weight);
    }
}
