package dev.netloom.tools;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code send}'s targets: HOST:PORT read by HostPort, the transport checked here. */
class EndpointTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tcp://127.0.0.1:7007   | tcp://127.0.0.1:7007",
        "UDP://[::1]:53/        | udp://[::1]:53",
        "tcp://example.org:25   | tcp://example.org:25",
        "tcp://7007             | tcp://127.0.0.1:7007",
    })
    void targetsParse(String text, String shown) {
        assertEquals(shown, Endpoint.parse(text).toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1:7007         | '127.0.0.1:7007' is not tcp://HOST:PORT or udp://HOST:PORT",
        "sctp://h:1             | transport must be tcp or udp, not 'sctp'",
        "tcp://h                | 'h' is not HOST:PORT or PORT (a port is 1-65535)",
        "tcp://h:0              | 'h:0' is not HOST:PORT or PORT (a port is 1-65535)",
        "tcp://h:x              | 'h:x' is not HOST:PORT or PORT (a port is 1-65535)",
        "tcp://:5               | ':5' is not HOST:PORT or PORT (a port is 1-65535)",
    })
    void badTargetsSayWhy(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(text)).getMessage());
    }
}
