package dev.netloom.proxy;

import dev.netloom.http1.Html;
import dev.netloom.http1.HttpDates;
import dev.netloom.http1.MessageHead;
import dev.netloom.http1.Status;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Header fields as a proxy passes them on (RFC 9110 §7.6.1): the hop-by-hop ones dropped both
 * ways ({@code Connection} and every field it names, {@code Keep-Alive}, {@code Proxy-Connection},
 * {@code TE}, {@code Trailer}, {@code Transfer-Encoding}, {@code Upgrade},
 * {@code Proxy-Authorization}, {@code Proxy-Authenticate}), {@code Content-Length} too since the
 * proxy writes the framing itself; and the heads and error pages it writes.
 */
final class Heads {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate", "content-length");

    private Heads() {
    }

    /** The fields of {@code head} that go on to the next hop, minus {@code alsoDrop} (lower-case names). */
    static List<Field> endToEnd(MessageHead head, Set<String> alsoDrop) {
        Set<String> named = new HashSet<>();
        String connection = head.headerJoined("Connection");
        if (connection != null) {
            for (String token : connection.split(",")) {
                named.add(token.strip().toLowerCase(Locale.ROOT));
            }
        }
        List<Field> out = new ArrayList<>(head.fieldCount());
        for (int i = 0; i < head.fieldCount(); i++) {
            String lower = head.name(i).toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(lower) && !named.contains(lower) && !alsoDrop.contains(lower)) {
                out.add(new Field(head.name(i), head.value(i).strip()));
            }
        }
        return out;
    }

    /** Appends {@code Name: value\r\n}. */
    static void field(StringBuilder sb, String name, Object value) {
        sb.append(name).append(": ").append(value).append("\r\n");
    }

    static void fields(StringBuilder sb, List<Field> fields) {
        for (Field f : fields) {
            field(sb, f.name(), f.value());
        }
    }

    /** {@code HTTP/1.1 NNN Reason\r\n}; a missing reason becomes the standard one. */
    static StringBuilder statusLine(int status, String reason) {
        String r = reason == null || reason.isEmpty() ? Status.reason(status) : reason;
        return new StringBuilder(512).append("HTTP/1.1 ").append(status).append(' ').append(r).append("\r\n");
    }

    static byte[] bytes(StringBuilder sb) {
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A complete error response from the proxy itself: a short text/html page naming the cause,
     * {@code Via}, and {@code Connection: close} unless {@code keepAlive}; {@code extra} lines
     * (each {@code Name: value}) before the framing, such as {@code Proxy-Authenticate}.
     */
    static byte[] error(int status, String cause, String via, boolean keepAlive, boolean head, String... extra) {
        String title = status + " " + Status.reason(status);
        String body = "<!DOCTYPE html>\n<html><head><title>" + title + "</title></head>\n<body><h1>" + title
                + "</h1>\n<p>" + Html.escape(cause) + "</p>\n<hr><address>netloom proxy</address></body></html>\n";
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = statusLine(status, null);
        field(sb, "Date", HttpDates.format(System.currentTimeMillis()));
        field(sb, "Server", "netloom");
        field(sb, "Via", via);
        for (String e : extra) {
            sb.append(e).append("\r\n");
        }
        field(sb, "Content-Type", "text/html; charset=utf-8");
        field(sb, "Content-Length", content.length);
        field(sb, "Cache-Control", "no-store");
        if (!keepAlive) {
            field(sb, "Connection", "close");
        }
        sb.append("\r\n");
        byte[] headBytes = bytes(sb);
        if (head) {
            return headBytes;
        }
        byte[] all = new byte[headBytes.length + content.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(content, 0, all, headBytes.length, content.length);
        return all;
    }
}
