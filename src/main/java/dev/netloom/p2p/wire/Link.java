package dev.netloom.p2p.wire;

import dev.netloom.core.HostPort;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/*
 * A link (docs/protocol.md, "Links"):
 *
 *   netloom://ROOT/NAME[?rv=HOST:PORT][&peer=HOST:PORT]...
 *
 * ROOT is the manifest's root hash, 64 lower-case hex digits; NAME the share's name,
 * percent-encoded (UTF-8); rv a rendezvous to ask for peers (repeatable); peer an address where
 * a peer was listening when the link was made (repeatable; for a LAN or a test without a
 * rendezvous). The root alone authenticates the content: name and addresses are hints.
 */

/** A share's link: its root hash, its name, and where to find peers. */
public record Link(byte[] root, String name, List<HostPort> rendezvous, List<HostPort> peers) {

    public static final String SCHEME = "netloom://";
    /** The rendezvous's default port, when a link's {@code rv} has none. */
    public static final int RENDEZVOUS_PORT = 7013;

    public Link {
        if (root.length != Frame.ID_LENGTH) {
            throw new IllegalArgumentException("a root hash is 32 bytes");
        }
        rendezvous = List.copyOf(rendezvous);
        peers = List.copyOf(peers);
    }

    /**
     * Parses a link.
     *
     * @throws IllegalArgumentException saying what part is wrong
     */
    public static Link parse(String text) {
        String t = text.strip();
        if (!t.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new IllegalArgumentException("'" + text + "' is not a netloom:// link");
        }
        String rest = t.substring(SCHEME.length());
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        int slash = path.indexOf('/');
        String rootHex = slash < 0 ? path : path.substring(0, slash);
        if (!rootHex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("link root '" + rootHex + "' is not 64 hex digits");
        }
        String name = slash < 0 ? rootHex.substring(0, 16) : decode(path.substring(slash + 1));
        if (name.isEmpty()) {
            name = rootHex.substring(0, 16);
        }
        List<HostPort> rv = new ArrayList<>();
        List<HostPort> peers = new ArrayList<>();
        if (q >= 0) {
            for (String param : rest.substring(q + 1).split("&")) {
                if (param.isEmpty()) {
                    continue;
                }
                int eq = param.indexOf('=');
                String key = eq < 0 ? param : param.substring(0, eq);
                String value = eq < 0 ? "" : decode(param.substring(eq + 1));
                switch (key) {
                    case "rv" -> rv.add(HostPort.parse(value, RENDEZVOUS_PORT));
                    case "peer" -> peers.add(HostPort.parse(value, 0));
                    default -> { } // a later version's hint: ignored, as the specification says
                }
            }
        }
        return new Link(HexFormat.of().parseHex(rootHex.toLowerCase(Locale.ROOT)), name, rv, peers);
    }

    /** The root in lower-case hex. */
    public String rootHex() {
        return HexFormat.of().formatHex(root);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(SCHEME).append(rootHex()).append('/')
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        char sep = '?';
        for (HostPort h : rendezvous) {
            s.append(sep).append("rv=").append(h);
            sep = '&';
        }
        for (HostPort h : peers) {
            s.append(sep).append("peer=").append(h);
            sep = '&';
        }
        return s.toString();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
