package dev.netloom.dns;

import dev.netloom.dns.DnsMessage.Question;
import dev.netloom.dns.DnsMessage.ResourceRecord;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/*
 * The DNS message format (RFC 1035 §4.1), all integers big-endian:
 *
 *   header    id(16) flags(16: QR opcode(4) AA TC RD RA Z AD CD rcode(4))
 *             qdcount(16) ancount(16) nscount(16) arcount(16)
 *   question  name type(16) class(16)                          qdcount times
 *   record    name type(16) class(16) ttl(32) rdlength(16) rdata   an+ns+ar times
 *   name      labels, each a length byte 1..63 then that many bytes, ending in a 0 byte, or
 *             ending in a compression pointer: two bytes 11pppppp pppppppp, the offset from the
 *             start of the message where the rest of the name is (§4.1.4)
 *
 * Parsing limits, so that no input can loop or grow without bound: a name is at most 255 bytes
 * in wire form (§3.1), a label at most 63 (length bytes 0x40-0xBF, the reserved label types,
 * are errors), and at most 127 compression pointers are followed for one name (a legal name
 * has at most 127 labels, and a pointer straight to a pointer adds nothing), so a pointer loop
 * hits that limit or the 255-byte one. Pointers may point forwards as well as backwards. Record data must be consumed exactly
 * by its type's layout. When TC is set, the sections may end early: the records that came whole
 * are kept. Encoding writes names without compression, which every reader accepts.
 */

/**
 * Encodes {@link DnsMessage}s to bytes and parses bytes into them. {@link #parse} accepts any
 * byte array and either returns a message or throws {@link DnsFormatException} saying what is
 * wrong and where; it never loops on hostile compression pointers.
 */
public final class DnsCodec {

    private static final int MAX_NAME = 255;
    private static final int MAX_POINTERS = 127;

    private DnsCodec() {
    }

    /** Parses one whole message (a UDP payload, or a TCP message without its length prefix). */
    public static DnsMessage parse(byte[] packet) throws DnsFormatException {
        Reader r = new Reader(packet);
        int id = r.u16("header");
        int flags = r.u16("header");
        int[] counts = {r.u16("header"), r.u16("header"), r.u16("header"), r.u16("header")};
        boolean truncated = (flags & 0x0200) != 0;
        List<Question> questions = new ArrayList<>();
        for (int i = 0; i < counts[0] && !(truncated && r.atEnd()); i++) {
            questions.add(new Question(r.name(), r.u16("question"), r.u16("question")));
        }
        List<List<ResourceRecord>> sections = new ArrayList<>();
        for (int s = 1; s <= 3; s++) {
            List<ResourceRecord> records = new ArrayList<>();
            for (int i = 0; i < counts[s] && !(truncated && r.atEnd()); i++) {
                records.add(record(r));
            }
            sections.add(records);
        }
        if (!r.atEnd()) {
            throw new DnsFormatException((packet.length - r.pos) + " bytes after the last record at offset " + r.pos);
        }
        return new DnsMessage(id, flags, questions, sections.get(0), sections.get(1), sections.get(2));
    }

    private static ResourceRecord record(Reader r) throws DnsFormatException {
        String name = r.name();
        int type = r.u16("record");
        int dnsClass = r.u16("record");
        long ttl = r.u32("record");
        int length = r.u16("record");
        int start = r.pos;
        if (length > r.data.length - start) {
            throw new DnsFormatException("record data of " + length + " bytes at offset " + start
                    + " runs past the end of the message (" + r.data.length + " bytes)");
        }
        r.limit = start + length;
        Rdata data = rdata(r, type, length);
        if (r.pos != r.limit) {
            throw new DnsFormatException(DnsType.name(type) + " record data at offset " + start + " is " + length
                    + " bytes, its fields take " + (r.pos - start));
        }
        r.limit = r.data.length;
        return new ResourceRecord(name, type, dnsClass, ttl, data);
    }

    private static Rdata rdata(Reader r, int type, int length) throws DnsFormatException {
        String what = DnsType.name(type) + " data";
        switch (type) {
            case DnsType.A, DnsType.AAAA -> {
                int size = type == DnsType.A ? 4 : 16;
                if (length != size) {
                    throw new DnsFormatException(what + " at offset " + r.pos + " is " + length + " bytes, not " + size);
                }
                byte[] b = r.bytes(size, what);
                try {
                    // an IPv4-mapped AAAA stays an IPv6 address (InetAddress.getByAddress would make it IPv4)
                    return new Rdata.Address(size == 4 ? InetAddress.getByAddress(b) : Inet6Address.getByAddress(null, b, -1));
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("4 or 16 bytes are always an address", e);
                }
            }
            case DnsType.NS, DnsType.CNAME, DnsType.PTR -> {
                return new Rdata.Name(r.name());
            }
            case DnsType.MX -> {
                return new Rdata.Mx(r.u16(what), r.name());
            }
            case DnsType.TXT -> {
                List<byte[]> strings = new ArrayList<>();
                do {
                    strings.add(r.bytes(r.u8(what), what));
                } while (r.pos < r.limit);
                return new Rdata.Txt(strings);
            }
            case DnsType.SOA -> {
                return new Rdata.Soa(r.name(), r.name(), r.u32(what), r.u32(what), r.u32(what), r.u32(what), r.u32(what));
            }
            case DnsType.SRV -> {
                return new Rdata.Srv(r.u16(what), r.u16(what), r.u16(what), r.name());
            }
            case DnsType.OPT -> {
                List<Rdata.Option> options = new ArrayList<>();
                while (r.pos < r.limit) {
                    int code = r.u16(what);
                    options.add(new Rdata.Option(code, r.bytes(r.u16(what), what)));
                }
                return new Rdata.Opt(options);
            }
            default -> {
                return new Rdata.Unknown(r.bytes(length, what));
            }
        }
    }

    /** The message in wire form, names uncompressed. */
    public static byte[] encode(DnsMessage m) throws DnsFormatException {
        Writer w = new Writer();
        w.u16(m.id());
        w.u16(m.flags());
        for (int count : new int[] {m.questions().size(), m.answers().size(), m.authorities().size(), m.additionals().size()}) {
            if (count > 0xFFFF) {
                throw new DnsFormatException("more than 65535 entries in a section");
            }
            w.u16(count);
        }
        for (Question q : m.questions()) {
            w.name(q.name());
            w.u16(q.type());
            w.u16(q.dnsClass());
        }
        for (List<ResourceRecord> section : List.of(m.answers(), m.authorities(), m.additionals())) {
            for (ResourceRecord rr : section) {
                w.name(rr.name());
                w.u16(rr.type());
                w.u16(rr.dnsClass());
                w.u32(rr.ttl());
                int lengthAt = w.size();
                w.u16(0);
                rdata(w, rr.data());
                int length = w.size() - lengthAt - 2;
                if (length > 0xFFFF) {
                    throw new DnsFormatException("record data of " + rr.name() + " is over 65535 bytes");
                }
                w.patch16(lengthAt, length);
            }
        }
        return w.toByteArray();
    }

    private static void rdata(Writer w, Rdata data) throws DnsFormatException {
        switch (data) {
            case Rdata.Address a -> w.writeBytes(a.address().getAddress());
            case Rdata.Name n -> w.name(n.name());
            case Rdata.Mx mx -> {
                w.u16(mx.preference());
                w.name(mx.exchange());
            }
            case Rdata.Txt txt -> {
                for (byte[] s : txt.strings()) {
                    if (s.length > 255) {
                        throw new DnsFormatException("a TXT string is over 255 bytes");
                    }
                    w.write(s.length);
                    w.writeBytes(s);
                }
            }
            case Rdata.Soa soa -> {
                w.name(soa.mname());
                w.name(soa.rname());
                for (long v : new long[] {soa.serial(), soa.refresh(), soa.retry(), soa.expire(), soa.minimum()}) {
                    w.u32(v);
                }
            }
            case Rdata.Srv srv -> {
                w.u16(srv.priority());
                w.u16(srv.weight());
                w.u16(srv.port());
                w.name(srv.target());
            }
            case Rdata.Opt opt -> {
                for (Rdata.Option o : opt.options()) {
                    w.u16(o.code());
                    w.u16(o.data().length);
                    w.writeBytes(o.data());
                }
            }
            case Rdata.Unknown u -> w.writeBytes(u.data());
        }
    }

    /** Bounded reads over the message; {@code limit} is the end of the current record data. */
    private static final class Reader {
        final byte[] data;
        int pos;
        int limit;

        Reader(byte[] data) {
            this.data = data;
            this.limit = data.length;
        }

        boolean atEnd() {
            return pos >= data.length;
        }

        private void need(int n, String what) throws DnsFormatException {
            if (n > limit - pos) {
                throw new DnsFormatException("message cut short in the " + what + " at offset " + pos
                        + (limit < data.length ? " (record data ends at " + limit + ")" : ""));
            }
        }

        int u8(String what) throws DnsFormatException {
            need(1, what);
            return data[pos++] & 0xFF;
        }

        int u16(String what) throws DnsFormatException {
            need(2, what);
            int v = (data[pos] & 0xFF) << 8 | data[pos + 1] & 0xFF;
            pos += 2;
            return v;
        }

        long u32(String what) throws DnsFormatException {
            return (long) u16(what) << 16 | u16(what);
        }

        byte[] bytes(int n, String what) throws DnsFormatException {
            need(n, what);
            byte[] b = Arrays.copyOfRange(data, pos, pos + n);
            pos += n;
            return b;
        }

        /** A name at {@code pos}, following pointers anywhere in the message; {@code pos} ends after it. */
        String name() throws DnsFormatException {
            StringBuilder sb = new StringBuilder();
            int at = pos;
            int end = -1;         // where reading resumes: after the first pointer, or after the 0 byte
            int wire = 1;         // the final 0 byte
            int pointers = 0;
            while (true) {
                if (at >= (end < 0 ? limit : data.length)) {
                    throw new DnsFormatException("name at offset " + pos + " runs past the end of the "
                            + (end < 0 && limit < data.length ? "record data" : "message"));
                }
                int len = data[at] & 0xFF;
                if (len == 0) {
                    at++;
                    break;
                }
                if ((len & 0xC0) == 0xC0) {
                    if (at + 1 >= (end < 0 ? limit : data.length)) {
                        throw new DnsFormatException("compression pointer at offset " + at + " is cut short");
                    }
                    int target = (len & 0x3F) << 8 | data[at + 1] & 0xFF;
                    if (++pointers > MAX_POINTERS) {
                        throw new DnsFormatException("name at offset " + pos + " follows over " + MAX_POINTERS
                                + " compression pointers (a pointer loop)");
                    }
                    if (target >= data.length) {
                        throw new DnsFormatException("compression pointer at offset " + at + " points to " + target
                                + ", past the end of the message (" + data.length + " bytes)");
                    }
                    if (end < 0) {
                        end = at + 2;
                    }
                    at = target;
                    continue;
                }
                if (len > 63) {
                    throw new DnsFormatException("label at offset " + at + " starts with 0x" + Integer.toHexString(len)
                            + ": a label is at most 63 bytes and the 0x40/0x80 label types are not supported");
                }
                wire += len + 1;
                if (wire > MAX_NAME) {
                    throw new DnsFormatException("name at offset " + pos + " is over " + MAX_NAME + " bytes"
                            + (pointers > 0 ? " (or a compression pointer loop)" : ""));
                }
                if (at + 1 + len > (end < 0 ? limit : data.length)) {
                    throw new DnsFormatException("label at offset " + at + " runs past the end of the message");
                }
                DnsNames.appendLabel(sb, data, at + 1, len);
                sb.append('.');
                at += 1 + len;
            }
            pos = end < 0 ? at : end;
            return sb.isEmpty() ? "." : sb.toString();
        }
    }

    /** A growing byte buffer with big-endian integers and names from their presentation form. */
    private static final class Writer extends ByteArrayOutputStream {
        void u16(int v) {
            write(v >> 8);
            write(v);
        }

        void u32(long v) {
            u16((int) (v >>> 16) & 0xFFFF);
            u16((int) v & 0xFFFF);
        }

        void patch16(int at, int v) {
            buf[at] = (byte) (v >> 8);
            buf[at + 1] = (byte) v;
        }

        void name(String name) throws DnsFormatException {
            writeBytes(DnsNames.toWire(name));
        }
    }
}
