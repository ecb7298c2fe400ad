package dev.netloom.monitor.decode;

import dev.netloom.dns.DigFormat;
import dev.netloom.dns.DnsMessage;
import dev.netloom.dns.DnsMessage.Question;
import dev.netloom.dns.DnsMessage.ResourceRecord;
import dev.netloom.dns.DnsType;
import dev.netloom.dns.Rdata;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A DNS message as tcpdump's print-domain.c prints it without {@code -v}: a query as
 * {@code ID[op][+][%] [Na] [Nq] [Nn] [Nau] TYPE? name. (length)}, a response as
 * {@code ID[op][ rcode][*][-][|] [Nq] an/ns/ar answer,answer (length)}, each answer as its type
 * and data ({@code A 192.0.2.1}, {@code CNAME x.}); SOA data is printed only with {@code -v}.
 */
final class TcpdumpDns {

    private static final String[] OPS = {"", " inv_q", " stat", " op3", " notify", " update", " op6", " op7",
        " op8", " updateA", " updateD", " updateDA", " updateM", " updateMA", " zoneInit", " zoneRef"};
    private static final String[] RCODES = {"", " FormErr", " ServFail", " NXDomain", " NotImp", " Refused",
        " YXDomain", " YXRRSet", " NXRRSet", " NotAuth", " NotZone", " Resp11", " Resp12", " Resp13", " Resp14",
        " NoChange"};

    private TcpdumpDns() {
    }

    static String format(AppLayer.Dns dns) {
        DnsMessage m = dns.message();
        int flags = m.flags();
        StringBuilder sb = new StringBuilder().append(m.id()).append(OPS[m.opcode()]);
        int qd = m.questions().size();
        if (m.qr()) {
            sb.append(RCODES[flags & 0xF]).append(m.aa() ? "*" : "").append(m.ra() ? "" : "-").append(m.tc() ? "|" : "");
            if (qd != 1) {
                sb.append(" [").append(qd).append("q]");
            }
            sb.append(' ').append(m.answers().size()).append('/').append(m.authorities().size()).append('/')
                    .append(m.additionals().size());
            String sep = "";
            for (ResourceRecord r : m.answers()) {
                sb.append(sep);
                record(sb, r, dns.multicast());
                sep = ",";
            }
        } else {
            sb.append(m.rd() ? "+" : "").append(m.cd() ? "%" : "");
            if ((flags & 0x6CF) != 0) {
                sb.append(" [b2&3=0x").append(Integer.toHexString(flags)).append(']');
            }
            count(sb, m.answers(), "a");
            if (qd != 1) {
                sb.append(" [").append(qd).append("q]");
            }
            count(sb, m.authorities(), "n");
            count(sb, m.additionals(), "au");
            for (Question q : m.questions()) {
                int dnsClass = dns.multicast() ? q.dnsClass() & 0x7FFF : q.dnsClass();
                sb.append(' ').append(type(q.type()));
                if (dnsClass != DnsType.IN) {
                    sb.append(' ').append(className(dnsClass));
                }
                if (dns.multicast()) {
                    sb.append((q.dnsClass() & 0x8000) != 0 ? " (QU)" : " (QM)");
                }
                sb.append("? ").append(q.name());
            }
        }
        return sb.append(" (").append(dns.length()).append(')').toString();
    }

    private static void count(StringBuilder sb, List<ResourceRecord> records, String letter) {
        if (!records.isEmpty()) {
            sb.append(" [").append(records.size()).append(letter).append(']');
        }
    }

    private static void record(StringBuilder sb, ResourceRecord r, boolean multicast) {
        sb.append(' ').append(type(r.type()));
        int dnsClass = multicast ? r.dnsClass() & 0x7FFF : r.dnsClass();
        if (r.type() != DnsType.OPT && dnsClass != DnsType.IN) {
            sb.append(' ').append(className(dnsClass));
        }
        switch (r.data()) {
            case Rdata.Address a -> sb.append(' ').append(DigFormat.address(a.address()));
            case Rdata.Name n -> sb.append(' ').append(n.name());
            case Rdata.Mx mx -> sb.append(' ').append(mx.exchange()).append(' ').append(mx.preference());
            case Rdata.Txt txt -> txt.strings().forEach(s -> sb.append(" \"")
                    .append(new String(s, StandardCharsets.ISO_8859_1)).append('"'));
            case Rdata.Srv srv -> sb.append(' ').append(srv.target()).append(':').append(srv.port()).append(' ')
                    .append(srv.priority()).append(' ').append(srv.weight());
            case Rdata.Opt opt -> sb.append(" UDPsize=").append(r.dnsClass()).append((r.ttl() & 0x8000) != 0 ? " DO" : "");
            default -> {
                // tcpdump prints SOA's fields only with -v, and nothing for types it does not know
            }
        }
    }

    private static String type(int type) {
        String name = DnsType.name(type);
        return name.startsWith("TYPE") ? "Type" + type : name;
    }

    private static String className(int dnsClass) {
        return switch (dnsClass) {
            case 3 -> "CHAOS";
            case 4 -> "HS";
            case 255 -> "ANY";
            default -> "(Class " + dnsClass + ")";
        };
    }
}
