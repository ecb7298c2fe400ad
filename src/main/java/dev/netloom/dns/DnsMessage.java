package dev.netloom.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * One DNS message (RFC 1035 §4.1): the header's id and flags word, the question section and
 * the three record sections. Names are absolute and in dig's presentation form: labels joined
 * by dots, a final dot, and {@code \.}, {@code \\} or {@code \DDD} escapes for bytes that
 * would be ambiguous or unprintable (RFC 1035 §5.1), so a name prints as it is stored and
 * encodes back to the same labels. The EDNS0 OPT pseudo-record (RFC 6891) stays in the
 * additional section, as on the wire; {@link #opt()} finds it and {@link #rcode()} adds its
 * upper bits. {@link DnsCodec} turns messages into bytes and back.
 */
public record DnsMessage(int id, int flags, List<Question> questions, List<ResourceRecord> answers,
                         List<ResourceRecord> authorities, List<ResourceRecord> additionals) {

    private static final int QR = 0x8000;
    private static final int AA = 0x0400;
    private static final int TC = 0x0200;
    private static final int RD = 0x0100;
    private static final int RA = 0x0080;
    private static final int AD = 0x0020;
    private static final int CD = 0x0010;

    public DnsMessage {
        if (id < 0 || id > 0xFFFF || flags < 0 || flags > 0xFFFF) {
            throw new IllegalArgumentException("id and flags are 16-bit values");
        }
        questions = List.copyOf(questions);
        answers = List.copyOf(answers);
        authorities = List.copyOf(authorities);
        additionals = List.copyOf(additionals);
    }

    /** A question: a name, a type and a class (RFC 1035 §4.1.2). */
    public record Question(String name, int type, int dnsClass) {
    }

    /** A resource record (RFC 1035 §4.1.3); for OPT, class is the UDP size and ttl the EDNS bits. */
    public record ResourceRecord(String name, int type, int dnsClass, long ttl, Rdata data) {
    }

    /**
     * A standard recursive query for {@code question}: RD set, and with {@code udpSize} > 0 an
     * EDNS0 OPT record advertising that UDP payload size (version 0, no options, no DO bit).
     */
    public static DnsMessage query(int id, Question question, int udpSize) {
        List<ResourceRecord> additional = udpSize > 0
                ? List.of(new ResourceRecord(".", DnsType.OPT, udpSize, 0, new Rdata.Opt(List.of())))
                : List.of();
        return new DnsMessage(id, RD, List.of(question), List.of(), List.of(), additional);
    }

    /**
     * {@code name} as an absolute name in presentation form: a final dot added, escapes
     * normalized ({@code A.Example} stays in its case).
     *
     * @throws DnsFormatException for an empty label, a label over 63 bytes or a name over 255
     */
    public static String absoluteName(String name) throws DnsFormatException {
        return DnsNames.absolute(name);
    }

    /**
     * The reverse-lookup name of an address: {@code 1.2.0.192.in-addr.arpa.} for 192.0.2.1,
     * the 32 nibbles of an IPv6 address reversed under {@code ip6.arpa.}.
     */
    public static String reverseName(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder sb = new StringBuilder();
        for (int i = b.length - 1; i >= 0; i--) {
            if (address instanceof Inet4Address) {
                sb.append(b[i] & 0xFF).append('.');
            } else {
                sb.append(Character.forDigit(b[i] & 0xF, 16)).append('.')
                        .append(Character.forDigit((b[i] >> 4) & 0xF, 16)).append('.');
            }
        }
        return sb.append(address instanceof Inet4Address ? "in-addr.arpa." : "ip6.arpa.").toString();
    }

    public boolean qr() {
        return (flags & QR) != 0;
    }

    /** The opcode, 0 for a standard query. */
    public int opcode() {
        return (flags >> 11) & 0xF;
    }

    public boolean aa() {
        return (flags & AA) != 0;
    }

    /** Truncated: the answer did not fit in the UDP datagram; ask again over TCP. */
    public boolean tc() {
        return (flags & TC) != 0;
    }

    public boolean rd() {
        return (flags & RD) != 0;
    }

    public boolean ra() {
        return (flags & RA) != 0;
    }

    public boolean ad() {
        return (flags & AD) != 0;
    }

    public boolean cd() {
        return (flags & CD) != 0;
    }

    /** The response code: the header's four bits, plus the OPT record's upper eight when present. */
    public int rcode() {
        int low = flags & 0xF;
        return opt().map(o -> (int) ((o.ttl() >>> 24) & 0xFF) << 4 | low).orElse(low);
    }

    /** The EDNS0 OPT pseudo-record of the additional section, if any. */
    public Optional<ResourceRecord> opt() {
        return additionals.stream().filter(r -> r.type() == DnsType.OPT).findFirst();
    }
}
