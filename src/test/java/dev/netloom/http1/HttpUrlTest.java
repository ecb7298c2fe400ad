package dev.netloom.http1;

import dev.netloom.core.HostPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** URL parsing and Location resolution, on tables. */
class HttpUrlTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "http://example.org                | example.org | 80   | /            | example.org",
            "http://example.org:8080/a/b?x=1&y | example.org | 8080 | /a/b?x=1&y   | example.org:8080",
            "HTTP://Example.org:80/            | Example.org | 80   | /            | Example.org",
            "localhost:9000/x                  | localhost   | 9000 | /x           | localhost:9000",
            "http://[::1]:8080/v6              | ::1         | 8080 | /v6          | [::1]:8080",
            "http://h/a b/ü?q=ä ö#frag         | h           | 80   | /a%20b/%C3%BC?q=%C3%A4%20%C3%B6 | h",
            "http://h/%41%2F?                  | h           | 80   | /%41%2F?     | h",
    })
    void parses(String text, String host, int port, String target, String hostHeader) {
        HttpUrl url = HttpUrl.parse(text);
        assertEquals(host, url.host());
        assertEquals(port, url.port());
        assertEquals(target, url.target());
        assertEquals(hostHeader, url.hostHeader());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "https://example.org/      | https is not supported; use curl",
            "ftp://example.org/        | only http:// URLs are supported, not ftp://",
            "http://user:pw@h/         | user:password@ in a URL is not supported",
            "http://h:0/               | port must be 1-65535",
            "http://h:70000/           | port must be 1-65535",
            "http:///path              | has no valid host",
            "http://[::1/              | is not a valid URL",
    })
    void refuses(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpUrl.parse(text));
        assertEquals(true, e.getMessage().contains(message), e.getMessage());
    }

    /** {@code --proxy} as curl's {@code -x} takes it: http meant without a scheme, port 1080 without one. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "http://127.0.0.1:3128   | 127.0.0.1   | 3128",
            "127.0.0.1:3128          | 127.0.0.1   | 3128",
            "HTTP://proxy.example/   | proxy.example | 1080",
            "proxy.example           | proxy.example | 1080",
            "http://[::1]:8888       | ::1         | 8888",
    })
    void parsesAProxy(String text, String host, int port) {
        assertEquals(new HostPort(host, port), HttpUrl.proxy(text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "https://proxy:443       | only an http:// proxy is supported, not https://",
            "socks5://proxy:1080     | only an http:// proxy is supported, not socks5://",
            "http://u:p@proxy:3128   | user:password@ is not supported; send -H 'Proxy-Authorization: ...'",
            "http://proxy:3128/x     | has a path; give http://HOST[:PORT]",
            "http://proxy:3128/?q    | has a path",
            "http://proxy:0          | port must be 1-65535",
            "http://:3128            | has no valid host",
    })
    void refusesAProxy(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpUrl.proxy(text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void theAbsoluteFormNamesTheAuthorityAsTheHostHeaderDoes() {
        assertEquals("http://example.org/a?b", HttpUrl.parse("example.org:80/a?b").absoluteForm());
        assertEquals("http://[::1]:8080/", HttpUrl.parse("http://[::1]:8080").absoluteForm());
    }

    /** RFC 3986 §5.4.1 and §5.4.2, the examples an http URL can express. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "g             | http://a/b/c/g",
            "./g           | http://a/b/c/g",
            "g/            | http://a/b/c/g/",
            "/g            | http://a/g",
            "//g           | http://g/",
            "?y            | http://a/b/c/d;p?y",
            "g?y           | http://a/b/c/g?y",
            "#s            | http://a/b/c/d;p?q",
            "g#s           | http://a/b/c/g",
            "g?y#s         | http://a/b/c/g?y",
            ";x            | http://a/b/c/;x",
            "g;x           | http://a/b/c/g;x",
            "g;x?y#s       | http://a/b/c/g;x?y",
            "''            | http://a/b/c/d;p?q",
            ".             | http://a/b/c/",
            "./            | http://a/b/c/",
            "..            | http://a/b/",
            "../           | http://a/b/",
            "../g          | http://a/b/g",
            "../..         | http://a/",
            "../../        | http://a/",
            "../../g       | http://a/g",
            "../../../g    | http://a/g",
            "../../../../g | http://a/g",
            "/./g          | http://a/g",
            "/../g         | http://a/g",
            "g.            | http://a/b/c/g.",
            ".g            | http://a/b/c/.g",
            "g..           | http://a/b/c/g..",
            "..g           | http://a/b/c/..g",
            "./../g        | http://a/b/g",
            "./g/.         | http://a/b/c/g/",
            "g/./h         | http://a/b/c/g/h",
            "g/../h        | http://a/b/c/h",
            "g;x=1/./y     | http://a/b/c/g;x=1/y",
            "g;x=1/../y    | http://a/b/c/y",
            "g?y/./x       | http://a/b/c/g?y/./x",
            "g?y/../x      | http://a/b/c/g?y/../x",
            "http://b:81/x | http://b:81/x",
            "/new place    | http://a/new%20place",
    })
    void resolvesLocations(String location, String expected) {
        assertEquals(expected, HttpUrl.parse("http://a/b/c/d;p?q").resolve(location).toString());
    }

    @Test
    void theFastPathReadsEveryUrlAsTheGeneralOneDoes() {
        List<String> urls = List.of("http://example.com", "http://example.com/", "http://EXAMPLE.com:8080/a/b?c=d&e",
                "HTTP://h/x", "http://h?q=1", "http://127.0.0.1:3128/x", "http://h:65535/", "http://a-b.c-d.org/%41%zz",
                "http://h/%2F", "http://h/a b", "http://1.2.3/", "http://300.1.1.1/", "http://h.1x/", "http://-h/",
                "http://h-/", "http://h..c/", "http://h.c./p", "http://h:0/", "http://h:99999/", "http://h:/", "http://u@h/",
                "http://[::1]:8/", "http://h/#frag", "http://h/é", "http://h_1/", "http://h/a;b=c,d$e!f*g'(h)~i",
                "http://h/?a=[1]", "http://1.2.3.4/", "http://1.2.3.4./", "http://01.2.3.4/", "http://h/a|b");
        for (String u : urls) {
            HttpUrl general;
            try {
                general = HttpUrl.general(u);
            } catch (IllegalArgumentException e) {
                assertThrows(IllegalArgumentException.class, () -> HttpUrl.parse(u), u);
                continue;
            }
            assertEquals(general, HttpUrl.parse(u), u);
        }
    }
}
