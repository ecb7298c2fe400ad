package dev.netloom.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * The data of a resource record, typed for the record types this client knows (RFC 1035
 * §3.3–3.4, RFC 3596, RFC 2782, RFC 6891); any other type keeps its bytes as
 * {@link Unknown}. Names inside are in the presentation form {@link DnsMessage} describes.
 */
public sealed interface Rdata {

    /** A (4 bytes) or AAAA (16 bytes). */
    record Address(InetAddress address) implements Rdata {
    }

    /** One domain name: CNAME, NS or PTR. */
    record Name(String name) implements Rdata {
    }

    /** MX: preference (lower is preferred) and the mail exchanger. */
    record Mx(int preference, String exchange) implements Rdata {
    }

    /** TXT: one or more character strings of up to 255 bytes each, kept as bytes. */
    record Txt(List<byte[]> strings) implements Rdata {
        public Txt {
            strings = List.copyOf(strings);
        }
    }

    /** SOA: primary server, responsible mailbox, serial and the four timers in seconds. */
    record Soa(String mname, String rname, long serial, long refresh, long retry, long expire, long minimum)
            implements Rdata {
    }

    /** SRV: priority, weight, port and target host. */
    record Srv(int priority, int weight, int port, String target) implements Rdata {
    }

    /** The options of an EDNS0 OPT record, each a code and its bytes. */
    record Opt(List<Option> options) implements Rdata {
        public Opt {
            options = List.copyOf(options);
        }
    }

    /** One EDNS0 option (RFC 6891 §6.1.2). */
    record Option(int code, byte[] data) {
    }

    /** Record data of a type this client does not interpret, as received. */
    record Unknown(byte[] data) implements Rdata {
    }
}
