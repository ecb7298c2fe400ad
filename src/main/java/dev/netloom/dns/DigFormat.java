package dev.netloom.dns;

import dev.netloom.dns.DnsMessage.Question;
import dev.netloom.dns.DnsMessage.ResourceRecord;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Prints answers as dig 9.18 does, so that scripts written against dig work on ours: the full
 * form (header flags, OPT pseudo-section, question, answer, authority and additional sections,
 * then query time, server, when and size), and {@code +short}: the data of each answer record,
 * one a line ({@code 10 mail.example.}, {@code "text"}, {@code 0 5 5060 sip.example.}).
 * Records are laid out in dig's columns (owner, then TTL at 24, class at 32, type at 40, data at
 * 48), reached with tabs, or with one blank when the text before is already past the column.
 */
public final class DigFormat {

    private static final String[] OPCODES = {"QUERY", "IQUERY", "STATUS", "RESERVED3", "NOTIFY", "UPDATE"};
    private static final String[] RCODES = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
            "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"};
    private static final int EDE = 15;
    private static final List<String> EDE_NAMES = List.of("Other", "Unsupported DNSKEY Algorithm",
            "Unsupported DS Digest Type", "Stale Answer", "Forged Answer", "DNSSEC Indeterminate", "DNSSEC Bogus",
            "Signature Expired", "Signature Not Yet Valid", "DNSKEY Missing", "RRSIGs Missing", "No Zone Key Bit Set",
            "NSEC Missing", "Cached Error", "Not Ready", "Blocked", "Censored", "Filtered", "Prohibited",
            "Stale NXDOMAIN Answer", "Not Authoritative", "Not Supported", "No Reachable Authority", "Network Error",
            "Invalid Data");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss zzz yyyy", Locale.US);

    private DigFormat() {
    }

    /**
     * The full form, from the {@code ; <<>> netloom dns <<>> ARGS} banner to the {@code MSG SIZE}
     * line and a blank line. {@code server} is how the user named the server (shown in
     * parentheses after {@code address#port}, as dig does).
     */
    public static String full(String args, DnsClient.Exchange x, InetSocketAddress to, String server,
                              ZonedDateTime when) {
        DnsMessage m = x.reply();
        StringBuilder sb = new StringBuilder();
        sb.append("\n; <<>> netloom dns <<>> ").append(args).append('\n');
        sb.append(";; global options: +cmd\n;; Got answer:\n");
        sb.append(";; ->>HEADER<<- opcode: ").append(m.opcode() < OPCODES.length ? OPCODES[m.opcode()] : "RESERVED" + m.opcode())
                .append(", status: ").append(rcodeName(m.rcode())).append(", id: ").append(m.id()).append('\n');
        sb.append(";; flags:");
        String[] names = {"qr", "aa", "tc", "rd", "ra", "ad", "cd"};
        boolean[] set = {m.qr(), m.aa(), m.tc(), m.rd(), m.ra(), m.ad(), m.cd()};
        for (int i = 0; i < names.length; i++) {
            if (set[i]) {
                sb.append(' ').append(names[i]);
            }
        }
        sb.append("; QUERY: ").append(m.questions().size()).append(", ANSWER: ").append(m.answers().size())
                .append(", AUTHORITY: ").append(m.authorities().size()).append(", ADDITIONAL: ")
                .append(m.additionals().size()).append('\n');
        if (m.rd() && !m.ra()) {
            sb.append(";; WARNING: recursion requested but not available\n");
        }
        sb.append('\n');
        m.opt().ifPresent(opt -> opt(sb, opt));
        sb.append(";; QUESTION SECTION:\n");
        for (Question q : m.questions()) {
            sb.append(new Line(";" + q.name()).at(32, DnsType.className(q.dnsClass())).at(40, DnsType.name(q.type())))
                    .append('\n');
        }
        sb.append('\n');
        section(sb, "ANSWER", m.answers());
        section(sb, "AUTHORITY", m.authorities());
        section(sb, "ADDITIONAL", m.additionals().stream().filter(r -> r.type() != DnsType.OPT).toList());
        sb.append(";; Query time: ").append(x.elapsed().toMillis()).append(" msec\n");
        sb.append(";; SERVER: ").append(address(to.getAddress())).append('#').append(to.getPort()).append('(')
                .append(server).append(") (").append(x.tcp() ? "TCP" : "UDP").append(")\n");
        sb.append(";; WHEN: ").append(WHEN.format(when)).append('\n');
        sb.append(";; MSG SIZE  rcvd: ").append(x.size()).append("\n\n");
        return sb.toString();
    }

    /** {@code +short}: the data of each answer record on its own line, nothing else. */
    public static String shortForm(DnsMessage m) {
        return m.answers().stream().map(r -> rdata(r) + "\n").collect(Collectors.joining());
    }

    /** A record on one line in dig's columns: owner, TTL, class, type, data. */
    public static String record(ResourceRecord r) {
        return new Line(r.name()).at(24, String.valueOf(r.ttl())).at(32, DnsType.className(r.dnsClass()))
                .at(40, DnsType.name(r.type())).at(48, rdata(r)).toString();
    }

    /** The record data in presentation form (unknown types as RFC 3597's {@code \# LENGTH HEX}). */
    public static String rdata(ResourceRecord r) {
        return switch (r.data()) {
            case Rdata.Address a -> address(a.address());
            case Rdata.Name n -> n.name();
            case Rdata.Mx mx -> mx.preference() + " " + mx.exchange();
            case Rdata.Txt txt -> txt.strings().stream().map(DnsNames::quoted).collect(Collectors.joining(" "));
            case Rdata.Soa s -> s.mname() + " " + s.rname() + " " + s.serial() + " " + s.refresh() + " " + s.retry()
                    + " " + s.expire() + " " + s.minimum();
            case Rdata.Srv srv -> srv.priority() + " " + srv.weight() + " " + srv.port() + " " + srv.target();
            case Rdata.Opt opt -> {
                ByteArrayOutputStream wire = new ByteArrayOutputStream();
                for (Rdata.Option o : opt.options()) {
                    wire.writeBytes(new byte[] {(byte) (o.code() >> 8), (byte) o.code(), (byte) (o.data().length >> 8),
                            (byte) o.data().length});
                    wire.writeBytes(o.data());
                }
                yield generic(wire.toByteArray());
            }
            case Rdata.Unknown u -> generic(u.data());
        };
    }

    /** The name of a response code ({@code NXDOMAIN}), or its number when it has none. */
    public static String rcodeName(int rcode) {
        return rcode < RCODES.length ? RCODES[rcode] : rcode == 16 ? "BADVERS" : String.valueOf(rcode);
    }

    /**
     * An address as dig writes it: IPv4 dotted, IPv6 in the shortest form of RFC 5952 (the
     * longest run of two or more zero groups as {@code ::}), with an embedded IPv4 address for
     * {@code ::ffff:a.b.c.d} and {@code ::a.b.c.d}, as inet_ntop does.
     */
    public static String address(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return a.getHostAddress();
        }
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = (b[2 * i] & 0xFF) << 8 | b[2 * i + 1] & 0xFF;
        }
        int best = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                best = i;
                bestLen = j - i;
            }
            i = Math.max(j, i + 1);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == best) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            if (i == 6 && best == 0 && (bestLen == 6 || bestLen == 7 && w[7] != 1 || bestLen == 5 && w[5] == 0xFFFF)) {
                sb.append(b[12] & 0xFF).append('.').append(b[13] & 0xFF).append('.').append(b[14] & 0xFF).append('.')
                        .append(b[15] & 0xFF);
                break;
            }
            sb.append(Integer.toHexString(w[i]));
            if (i < 7) {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    private static void opt(StringBuilder sb, ResourceRecord opt) {
        sb.append(";; OPT PSEUDOSECTION:\n; EDNS: version: ").append((opt.ttl() >> 16) & 0xFF).append(", flags:")
                .append((opt.ttl() & 0x8000) != 0 ? " do" : "").append("; udp: ").append(opt.dnsClass()).append('\n');
        if (opt.data() instanceof Rdata.Opt o) {
            for (Rdata.Option option : o.options()) {
                byte[] d = option.data();
                if (option.code() == EDE && d.length >= 2) {
                    int code = (d[0] & 0xFF) << 8 | d[1] & 0xFF;
                    sb.append("; EDE: ").append(code);
                    if (code < EDE_NAMES.size()) {
                        sb.append(" (").append(EDE_NAMES.get(code)).append(')');
                    }
                    if (d.length > 2) {
                        sb.append(": ").append(DnsNames.quoted(Arrays.copyOfRange(d, 2, d.length)));
                    }
                    sb.append('\n');
                } else {
                    sb.append("; OPT=").append(option.code()).append(": ").append(HexFormat.ofDelimiter(" ")
                            .withUpperCase().formatHex(d)).append('\n');
                }
            }
        }
    }

    private static void section(StringBuilder sb, String title, List<ResourceRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        sb.append(";; ").append(title).append(" SECTION:\n");
        records.forEach(r -> sb.append(record(r)).append('\n'));
        sb.append('\n');
    }

    /**
     * A line laid out in columns as BIND's master-file printer does: to reach a column it adds
     * tabs (8 wide), or, when the text is already at or past it, one blank (a tab when that blank
     * would end on a tab stop).
     */
    private static final class Line {
        private final StringBuilder sb;
        private int column;

        Line(String first) {
            sb = new StringBuilder(first);
            column = first.length();
        }

        Line at(int to, String text) {
            int target = Math.max(to, column + 1);
            int tabs = target / 8 - column / 8;
            sb.append("\t".repeat(tabs)).append(" ".repeat(target - (tabs > 0 ? target / 8 * 8 : column)));
            sb.append(text);
            column = target + text.length();
            return this;
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }

    private static String generic(byte[] data) {
        return "\\# " + data.length + (data.length > 0 ? " " + HexFormat.of().withUpperCase().formatHex(data) : "");
    }
}
