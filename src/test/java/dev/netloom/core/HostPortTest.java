package dev.netloom.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link HostPort}: the forms a client command is given, and the way addresses are written. */
class HostPortTest {

    @ParameterizedTest(name = "{0} (default {1})")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1:6380 | 0    | 127.0.0.1 | 6380",
            "6380           | 0    | 127.0.0.1 | 6380",
            "' 6380 '       | 0    | 127.0.0.1 | 6380",
            "localhost      | 25   | localhost | 25",
            "[::1]:2525     | 0    | ::1       | 2525",
            "[::1]          | 8025 | ::1       | 8025",
            "::1            | 8025 | ::1       | 8025",
            "fe80::1:25     | 53   | fe80::1:25 | 53",
            "mail.test:587  | 25   | mail.test | 587",
            "h:65535        | 0    | h         | 65535"})
    void parses(String text, int defaultPort, String host, int port) {
        assertEquals(new HostPort(host, port), HostPort.parse(text, defaultPort));
    }

    @ParameterizedTest(name = "{0} (default {1})")
    @CsvSource(delimiter = '|', value = {"nope:x | 0", "70000 | 0", "h:0 | 25", "h:65536 | 25", ":25 | 25",
            "localhost | 0", "::1 | 0", "[::1] | 0", "h: | 25", "0 | 25"})
    void refusesWithTheTextInTheMessage(String text, int defaultPort) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text, defaultPort));
        assertEquals("'" + text + "' is not HOST:PORT or PORT (a port is 1-65535)", e.getMessage());
    }

    @Test
    void formatsWithBracketsForIpv6AndWithoutALookup() throws Exception {
        assertEquals("127.0.0.1:7007", HostPort.format(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 7007)));
        assertEquals("[0:0:0:0:0:0:0:1]:7007", HostPort.format(new InetSocketAddress(InetAddress.getByName("::1"), 7007)));
        assertEquals("example.invalid:25", HostPort.format(InetSocketAddress.createUnresolved("example.invalid", 25)));
        assertEquals("-", HostPort.format((InetSocketAddress) null));
        assertEquals("[::1]:6380", new HostPort("::1", 6380).toString());
        assertEquals("::1", HostPort.unbracket("[::1]"));
        assertEquals("[::1", HostPort.unbracket("[::1"));
    }
}
