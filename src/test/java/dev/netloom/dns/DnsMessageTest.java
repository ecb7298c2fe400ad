package dev.netloom.dns;

import dev.netloom.dns.DnsMessage.ResourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The codec and dig's text forms on real answers captured from dnsmasq 2.90 (the *.hex files
 * next to this class, made with tests/netcat/dns-dig.sh's configuration), and on hand-made
 * malformed messages: pointer loops, pointers past the end, oversized labels and names, record
 * data cut short. Every malformed one fails with {@link DnsFormatException}, within a second.
 */
class DnsMessageTest {

    /** A captured packet: the hex of a resource file, its {@code #} comment lines left out. */
    static byte[] packet(String name) {
        try (InputStream in = DnsMessageTest.class.getResourceAsStream(name + ".hex")) {
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return HexFormat.of().parseHex(text.lines().filter(l -> !l.startsWith("#")).collect(Collectors.joining()).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DnsMessage parse(String name) throws DnsFormatException {
        return DnsCodec.parse(packet(name));
    }

    @Test
    void aCnameChainFollowsItsCompressionPointers() throws DnsFormatException {
        DnsMessage m = parse("cname-chain");
        assertEquals(0x1234, m.id());
        assertTrue(m.qr() && m.aa() && m.rd() && m.ra() && !m.tc());
        assertEquals(0, m.rcode());
        assertEquals(List.of("alias.test.", "www.test.", "host.test."), m.answers().stream().map(ResourceRecord::name).toList());
        assertEquals("www.test.\nhost.test.\n192.0.2.1\n", DigFormat.shortForm(m));
        assertEquals("alias.test.\t\t0\tIN\tCNAME\twww.test.", DigFormat.record(m.answers().get(0)));
        assertEquals(1232, m.opt().orElseThrow().dnsClass());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a            | 192.0.2.1\\n",
            "aaaa         | 2001:db8::1\\n",
            "txt-escapes  | \"say \\\"hi\\\" \\\\ bye\"\\n",
            "txt-multi    | \"first\" \"second\"\\n",
            "srv          | 0 5 5060 sip.test.\\n",
            "ptr          | host.test.\\n",
            "soa          | ns.test. hostmaster.test. 2026113001 1200 180 1209600 600\\n",
            "ns           | ns.test.\\n",
            "nxdomain     | ''",
            "refused      | ''"})
    void capturedAnswersPrintAsDigShortDoes(String file, String expected) throws DnsFormatException {
        assertEquals(expected.replace("\\n", "\n"), DigFormat.shortForm(parse(file)), file);
    }

    @Test
    void mxAnswersKeepTheirOrderAndPreferences() throws DnsFormatException {
        List<String> lines = DigFormat.shortForm(parse("mx")).lines().sorted().toList();
        assertEquals(List.of("10 mail.test.", "20 mail2.test."), lines);
    }

    @Test
    void statusesAndTheAuthoritySection() throws DnsFormatException {
        assertEquals("NXDOMAIN", DigFormat.rcodeName(parse("nxdomain").rcode()));
        assertEquals("REFUSED", DigFormat.rcodeName(parse("refused").rcode()));
        DnsMessage m = parse("nxdomain-soa");
        assertEquals(3, m.rcode());
        assertEquals("test.\t\t\t600\tIN\tSOA\tns.test. hostmaster.test. 2026113001 1200 180 1209600 600",
                DigFormat.record(m.authorities().getFirst()));
    }

    @Test
    void aTruncatedAnswerParsesWithTcSetAndTcpHasItAll() throws DnsFormatException {
        DnsMessage udp = parse("truncated");
        assertTrue(udp.tc());
        DnsMessage tcp = parse("big-tcp");
        assertTrue(!tcp.tc());
        assertEquals(12, tcp.answers().size());
        assertEquals(200 + 2, DigFormat.rdata(tcp.answers().getFirst()).length());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "aaaa", "cname-chain", "mx", "txt-escapes", "txt-multi", "srv", "ptr", "soa", "ns",
            "nxdomain", "nxdomain-soa", "refused", "big-tcp"})
    void encodingWhatWasParsedGivesTheSameMessage(String file) throws DnsFormatException {
        DnsMessage m = parse(file);
        DnsMessage again = DnsCodec.parse(DnsCodec.encode(m));
        assertEquals(text(m), text(again), file);
    }

    static String text(DnsMessage m) {
        return m.id() + " " + m.flags() + " " + m.questions() + "\n" + Stream.of(m.answers(), m.authorities(), m.additionals())
                .flatMap(List::stream).map(DigFormat::record).collect(Collectors.joining("\n"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "pointer to itself        | 123481800001000000000000c00c00010001                    | compression pointers (a pointer loop)",
            "two pointers in a loop   | 123481800001000000000000c00ec00c00010001                | compression pointers (a pointer loop)",
            "label then loop          | 1234818000010000000000000161c00c00010001                | (or a compression pointer loop)",
            "pointer past the end     | 123481800001000000000000c0ff00010001                    | past the end of the message",
            "pointer cut short        | 123481800001000000000000c0                              | is cut short",
            "label type 0x40          | 123481800001000000000000406100010001                    | a label is at most 63 bytes",
            "label past the end       | 12348180000100000000000005616200                        | runs past the end of the message",
            "header cut short         | 1234                                                    | message cut short in the header",
            "question cut short       | 123481800001000000000000016100                          | message cut short in the question",
            "more questions than sent | 12348180000200000000000001610000010001                  | runs past the end",
            "bytes after the records  | 1234818000010000000000000161000001000100                | 1 bytes after the last record",
            "A record of 5 bytes      | 123481800000000100000000016100000100010000000000050102030405 | is 5 bytes, not 4",
            "rdata past the end       | 123481800000000100000000016100000100010000000000040102   | runs past the end of the message",
            "MX longer than its data  | 123481800000000100000000016100000f0001000000000004000a016200 | runs past the end of the record data",
            "MX shorter than its data | 123481800000000100000000016100000f0001000000000006000a00ffffff | its fields take 3",
            "TXT string past its data | 123481800000000100000000016100001000010000000000020561   | message cut short in the TXT data"})
    void malformedMessagesFailClearly(String what, String hex, String message) {
        byte[] bytes = HexFormat.of().parseHex(hex.strip());
        DnsFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(1),
                () -> assertThrows(DnsFormatException.class, () -> DnsCodec.parse(bytes)), what);
        assertTrue(e.getMessage().contains(message.strip()), what + ": " + e.getMessage());
    }

    @Test
    void aNameOver255BytesIsRefused() {
        StringBuilder hex = new StringBuilder("123481800001000000000000");
        for (int i = 0; i < 5; i++) {
            hex.append("3f").append("61".repeat(63));
        }
        hex.append("0000010001");
        DnsFormatException e = assertThrows(DnsFormatException.class, () -> DnsCodec.parse(HexFormat.of().parseHex(hex)));
        assertTrue(e.getMessage().contains("is over 255 bytes"), e.getMessage());
        assertThrows(DnsFormatException.class, () -> DnsMessage.absoluteName("a".repeat(64) + ".test"));
        assertThrows(DnsFormatException.class, () -> DnsMessage.absoluteName(("a".repeat(63) + ".").repeat(4) + "x"));
        assertThrows(DnsFormatException.class, () -> DnsMessage.absoluteName("a..test"));
    }

    @Test
    void aTruncatedAnswerMayEndBeforeItsCounts() throws DnsFormatException {
        // TC set, ANCOUNT 2, no answer records at all: kept as what came
        DnsMessage m = DnsCodec.parse(HexFormat.of().parseHex("123483800001000200000000016100000100 01".replace(" ", "")));
        assertTrue(m.tc());
        assertEquals(0, m.answers().size());
    }

    @ParameterizedTest
    @CsvSource({"a.test, a.test.", "a.test., a.test.", "., .", "'a\\.b.test', 'a\\.b.test.'", "'\\065b', Ab."})
    void namesBecomeAbsolute(String given, String expected) throws DnsFormatException {
        assertEquals(expected, DnsMessage.absoluteName(given));
    }

    @ParameterizedTest
    @CsvSource({"192.0.2.1, 1.2.0.192.in-addr.arpa.",
            "2001:db8::1, 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."})
    void reverseNames(String address, String expected) throws IOException {
        assertEquals(expected, DnsMessage.reverseName(InetAddress.getByName(address)));
    }

    @ParameterizedTest
    @CsvSource({"::1, ::1", "::, ::", "2001:db8:0:0:0:0:0:1, 2001:db8::1", "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "1:0:0:1:0:0:0:1, 1:0:0:1::1", "fe80:0:0:0:0:0:0:0, fe80::", "::192.0.2.1, ::192.0.2.1"})
    void ipv6AddressesPrintAsInetNtopDoes(String address, String expected) throws IOException {
        assertEquals(expected, DigFormat.address(InetAddress.getByName(address)));
    }

    @Test
    void anIpv4MappedAaaaStaysIpv6() throws DnsFormatException {
        String hex = "1234818000000001000000000161" + "00001c000100000000" + "0010" + "00000000000000000000ffffc0000201";
        DnsMessage m = DnsCodec.parse(HexFormat.of().parseHex(hex));
        assertEquals("::ffff:192.0.2.1\n", DigFormat.shortForm(m));
        assertEquals(text(m), text(DnsCodec.parse(DnsCodec.encode(m))));
    }

    @Test
    void longOwnerNamesAreFollowedByABlankAsInDig() throws DnsFormatException {
        DnsMessage m = parse("ptr");
        assertEquals("1.2.0.192.in-addr.arpa.\t0\tIN\tPTR\thost.test.", DigFormat.record(m.answers().getFirst()));
        ResourceRecord longer = new ResourceRecord("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.",
                DnsType.PTR, DnsType.IN, 0, new Rdata.Name("host.test."));
        assertEquals(longer.name() + " 0 IN PTR host.test.", DigFormat.record(longer));
        ResourceRecord unknown = new ResourceRecord("a.", 99, 3, 5, new Rdata.Unknown(new byte[] {1, (byte) 0xAB}));
        assertEquals("a.\t\t\t5\tCH\tTYPE99\t\\# 2 01AB", DigFormat.record(unknown));
    }
}
