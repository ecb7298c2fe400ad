package dev.netloom.dns;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.ZonedDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The parser on hostile input: any bytes become a message or a {@link DnsFormatException},
 * never another exception and never a hang (compression pointer loops included). A message
 * that parses can be printed as dig does, and encodes to bytes that parse to the same message.
 */
class DnsMessageFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void anyBytesParseOrFail(byte[] input) {
        DnsMessage m;
        try {
            m = DnsCodec.parse(input);
        } catch (DnsFormatException expected) {
            return;
        }
        DigFormat.shortForm(m);
        DigFormat.full("fuzz", new DnsClient.Exchange(m, input.length, false, Duration.ZERO),
                new InetSocketAddress("127.0.0.1", 53), "127.0.0.1", ZonedDateTime.now());
        try {
            assertEquals(DnsMessageTest.text(m), DnsMessageTest.text(DnsCodec.parse(DnsCodec.encode(m))));
        } catch (DnsFormatException e) {
            throw new AssertionError("a parsed message must encode and parse again: " + e.getMessage(), e);
        }
    }
}
