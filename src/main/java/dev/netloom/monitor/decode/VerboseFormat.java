package dev.netloom.monitor.decode;

import dev.netloom.dns.DigFormat;
import dev.netloom.monitor.pcap.LinkType;

import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Every decoded field of every layer, one block per layer (a title line, then its fields
 * indented by four spaces), in the spirit of {@code tshark -V}: the frame (lengths, time,
 * protocol path), the link header, ARP or IP (with each option and extension header), the
 * transport header (with each TCP option), the DNS message or first line, and at the end where
 * decoding stopped and the problems met. The wording is netloom's; tshark's is not copied.
 */
public final class VerboseFormat {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.nnnnnnnnn xxx");
    private static final HexFormat HEX = HexFormat.of();

    private VerboseFormat() {
    }

    /** The blocks of {@code p}, times in {@code zone}, each line ending in a newline. */
    public static String format(DecodedPacket p, ZoneId zone) {
        StringBuilder sb = new StringBuilder();
        Instant t = Instant.ofEpochSecond(Math.floorDiv(p.raw().epochNanos(), 1_000_000_000L),
                Math.floorMod(p.raw().epochNanos(), 1_000_000_000L));
        sb.append("Frame: ").append(p.originalLength()).append(" bytes on wire, ").append(p.capturedLength())
                .append(" bytes captured\n");
        field(sb, "Arrival time", TIME.format(t.atZone(zone)));
        field(sb, "Link type", LinkType.name(p.raw().linkType()) + " (" + p.raw().linkType() + ")");
        field(sb, "Interface", p.raw().interfaceIndex());
        field(sb, "Protocols in frame", p.protocolPath());
        for (Layer l : p.layers()) {
            VerboseLayers.layer(sb, l);
        }
        p.stopped().ifPresent(s -> {
            sb.append("Decoding stopped: ").append(s.kind().name().toLowerCase(Locale.ROOT)).append(" in ").append(s.protocol())
                    .append('\n');
            field(sb, "Offset", s.offset());
            field(sb, "Reason", s.reason());
        });
        if (!p.problems().isEmpty()) {
            sb.append("Problems\n");
            p.problems().forEach(x -> sb.append("    ").append(x).append('\n'));
        }
        return sb.toString();
    }

    static void field(StringBuilder sb, String name, Object value) {
        sb.append("    ").append(name).append(": ").append(value).append('\n');
    }

    static String hex(byte[] b) {
        return b.length == 0 ? "(none)" : HEX.formatHex(b);
    }

    static String hex16(int v) {
        return String.format("0x%04x", v);
    }

    static String address(InetAddress a) {
        return DigFormat.address(a);
    }
}
