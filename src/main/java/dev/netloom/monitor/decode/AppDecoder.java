package dev.netloom.monitor.decode;

import dev.netloom.dns.DnsCodec;
import dev.netloom.dns.DnsFormatException;
import dev.netloom.monitor.decode.DecodedPacket.StopKind;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/*
 * What is read of a payload, from one packet (no reassembly):
 *
 *   DNS       UDP port 53 (or mDNS 5353) on either side: the payload is one message (RFC 1035
 *             §4.1); TCP port 53: length(16) then the message (§4.2.2), only when the segment
 *             holds exactly one whole message
 *   HTTP/1.1  any TCP port: a first line that is a request line (method SP target SP
 *             HTTP/1.x) or a status line (HTTP/1.x SP 3 digits ...), RFC 9112 §3 and §4
 *   SMTP      TCP 25, 587, 2525; FTP 21, 2121; chat (netloom's) 7010: the first line
 *   RESP      TCP 6379, 6380: an array of bulk strings (*N CRLF $len CRLF bytes CRLF ...) as
 *             its words, otherwise the first line (inline commands, replies)
 */

/** DNS messages and first lines for {@link PacketDecoder}. */
final class AppDecoder {

    private static final int MAX_LINE = 200;
    private static final Pattern REQUEST_LINE = Pattern.compile("[A-Z][A-Z-]{1,19} \\S+ HTTP/1\\.[019]");
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[019] \\d{3}( .*)?");

    private AppDecoder() {
    }

    /** Decodes the payload of {@code t}, whose captured bytes end by {@code end}. */
    static void decode(Decoding d, TransportLayer t, int sp, int dp, int end) {
        int from = t.payloadOffset();
        int length = t.payloadLength();
        int captured = Math.max(0, Math.min(Math.min(end, d.data.length), from + length) - from);
        if (length <= 0 || captured == 0) {
            return;
        }
        boolean tcp = t instanceof Tcp;
        if (either(sp, dp, 53, 5353)) {
            dns(d, from, length, captured, tcp, either(sp, dp, 5353));
            return;
        }
        String name = null;
        if (tcp && either(sp, dp, 25, 587, 2525)) {
            name = "smtp";
        } else if (tcp && either(sp, dp, 21, 2121)) {
            name = "ftp";
        } else if (tcp && either(sp, dp, 6379, 6380)) {
            name = "resp";
        } else if (tcp && either(sp, dp, 7010)) {
            name = "chat";
        }
        String line = firstLine(d.data, from, captured);
        if (name == null && tcp && (REQUEST_LINE.matcher(line).matches() || STATUS_LINE.matcher(line).matches())) {
            name = "http";
        }
        if (name != null) {
            String text = name.equals("resp") && d.data[from] == '*' ? respWords(d.data, from, from + captured) : line;
            d.layers.add(new AppLayer.Line(from, name, text));
        }
    }

    private static boolean either(int sp, int dp, int... ports) {
        for (int p : ports) {
            if (sp == p || dp == p) {
                return true;
            }
        }
        return false;
    }

    private static void dns(Decoding d, int from, int length, int captured, boolean tcp, boolean multicast) {
        String name = multicast ? "mdns" : "dns";
        if (captured < length) {
            d.stop(name, from, StopKind.TRUNCATED, "DNS message of " + length + " bytes, " + captured + " captured");
            return;
        }
        int start = from;
        int size = length;
        if (tcp) {
            if (length < 2 || (d.u16(from)) != length - 2) {
                return; // part of a stream: without reassembly there is no message to read here
            }
            start += 2;
            size -= 2;
        }
        try {
            d.layers.add(new AppLayer.Dns(start, DnsCodec.parse(Arrays.copyOfRange(d.data, start, start + size)), size,
                    tcp, multicast));
        } catch (DnsFormatException e) {
            d.stop(name, start, StopKind.MALFORMED, e.getMessage());
        }
    }

    /** The first line of {@code n} bytes at {@code from}, without CR LF, non-printable bytes as dots, at most 200 characters. */
    static String firstLine(byte[] data, int from, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + n && sb.length() < MAX_LINE; i++) {
            int c = data[i] & 0xFF;
            if (c == '\n' || c == '\r' && (i + 1 == from + n || data[i + 1] == '\n')) {
                break;
            }
            sb.append(c >= 0x20 && c < 0x7F ? (char) c : '.');
        }
        return sb.toString();
    }

    private static String respWords(byte[] data, int from, int to) {
        List<String> words = new ArrayList<>();
        int p = lineEnd(data, from, to);
        int count = parse(data, from + 1, p - 2);
        while (words.size() < Math.min(count, 64) && p < to && data[p] == '$') {
            int header = lineEnd(data, p, to);
            int len = parse(data, p + 1, header - 2);
            if (len < 0 || header + len > to) {
                break;
            }
            words.add(firstLine(data, header, len));
            p = header + len + 2;
        }
        String text = String.join(" ", words);
        return words.isEmpty() ? firstLine(data, from, to - from)
                : text.length() > MAX_LINE ? text.substring(0, MAX_LINE) : text;
    }

    private static int lineEnd(byte[] data, int from, int to) {
        for (int i = from; i + 1 < to; i++) {
            if (data[i] == '\r' && data[i + 1] == '\n') {
                return i + 2;
            }
        }
        return to + 2;
    }

    private static int parse(byte[] data, int from, int to) {
        if (to <= from || to - from > 9) {
            return -1;
        }
        String s = new String(data, from, to - from, StandardCharsets.US_ASCII);
        return s.chars().allMatch(Character::isDigit) ? Integer.parseInt(s) : -1;
    }
}
