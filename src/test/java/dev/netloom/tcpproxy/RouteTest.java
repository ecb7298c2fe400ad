package dev.netloom.tcpproxy;

import dev.netloom.core.ConfigException;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteTest {

    @Test
    void routesParseWithAndWithoutListenPort() {
        assertEquals(List.of(new Route(9000, "127.0.0.1", 6379), new Route(7013, "localhost", 80),
                        new Route(0, "::1", 8080), new Route(0, "example.org", 443)),
                Route.parseAll(" 9000=127.0.0.1:6379, localhost:80 ,0=[::1]:8080,0=example.org:443,", 7013));
        assertEquals("[::1]:8080", new Route(0, "::1", 8080).target());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "x=127.0.0.1:6379       | listen port 'x' is not 0-65535",
        "70000=127.0.0.1:6379   | listen port '70000' is not 0-65535",
        "9000=127.0.0.1:0       | target port '0' is not 1-65535",
        "9000=127.0.0.1:http    | target port 'http' is not 1-65535",
        "9000=127.0.0.1         | no target port",
        "9000=:6379             | no target host",
        "9000=::1:6379          | an IPv6 target host goes in brackets",
        "'9000=a:1,9000=b:2'    | listen port 9000 is used by two routes",
    })
    void badRoutesAreWordedConfigErrors(String routes, String why) {
        ConfigException e = assertThrows(ConfigException.class, () -> Route.parseAll(routes, 7013));
        assertTrue(e.getMessage().startsWith("tcp-proxy.routes: '"), e.getMessage());
        assertTrue(e.getMessage().contains("' is not valid: " + why), e.getMessage());
        assertTrue(e.getMessage().endsWith("expected LISTEN_PORT=HOST:PORT, comma-separated (e.g. 9000=127.0.0.1:6379)"),
                e.getMessage());
    }

    @Test
    void noRoutesIsAStartErrorNamingTheKey() {
        ServiceType type = TcpProxyService.type();
        Settings none = type.settings(Map.of(), Map.of());
        ConfigException e = assertThrows(ConfigException.class, () -> type.create(none));
        assertTrue(e.getMessage().startsWith("tcp-proxy.routes: no routes: set tcp-proxy.routes=LISTEN_PORT=HOST:PORT"),
                e.getMessage());
    }

    @Test
    void aRouteWithoutListenPortTakesThePortKey() {
        Settings s = TcpProxyService.type().settings(Map.of("port", "9100"), Map.of("routes", "127.0.0.1:6379"));
        assertEquals(List.of(new Route(9100, "127.0.0.1", 6379)), TcpProxyConfig.from(s).routes());
    }
}
