package dev.netloom.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** CIDR blocks as access rules read them: literals only, IPv4 rules matching IPv4-mapped IPv6. */
class CidrTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
        "127.0.0.0/8,      127.0.0.1,         true",
        "127.0.0.0/8,      127.255.1.2,       true",
        "127.0.0.0/8,      128.0.0.1,         false",
        "127.0.0.0/8,      ::ffff:127.0.0.1,  true",
        "10.1.2.3,         10.1.2.3,          true",
        "10.1.2.3,         10.1.2.4,          false",
        "10.1.2.3/31,      10.1.2.2,          true",
        "0.0.0.0/0,        203.0.113.9,       true",
        "0.0.0.0/0,        2001:db8::1,       false",
        "::1,              ::1,               true",
        "::1,              127.0.0.1,         false",
        "::/0,             2001:db8::1,       true",
        "2001:db8::/32,    2001:db8:ffff::1,  true",
        "2001:db8::/32,    2001:db9::1,       false",
        "fe80::/10,        febf::1,           true",
        "::ffff:10.0.0.0/104, 10.9.9.9,       true",
    })
    void blocksHoldTheirAddresses(String block, String address, boolean inside) throws Exception {
        assertEquals(inside, Cidr.parse(block).contains(InetAddress.getByName(address)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.com", "1.2.3", "256.1.1.1", "1.2.3.4/33", "::1/129",
        "1.2.3.4/", "1.2.3.4/-1", "1.2.3.4/8/8", "::g", "a.b.c.d", "1.2.3.4 /8"})
    void whatIsNotALiteralBlockIsRefusedWithoutALookup(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
        assertEquals(true, e.getMessage().contains(text.strip()) || text.isBlank(), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1/8, 127.0.0.0/8", "10.1.2.3, 10.1.2.3/32", "2001:db8::5/32, 2001:db8:0:0:0:0:0:0/32"})
    void hostBitsAreClearedAndTheBlockPrints(String text, String shown) {
        assertEquals(shown, Cidr.parse(text).toString());
        assertEquals(Cidr.parse(shown), Cidr.parse(text));
    }
}
