package dev.netloom.tools;

import dev.netloom.http1.HttpUrl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A request header as given on the command line ({@code -H 'Name: value'}); a null value
 * ({@code -H 'Name:'}) means "do not send the default header of that name".
 */
public record HttpHeader(String name, String value) {

    private static final Set<String> ORIGIN_BOUND = Set.of("host", "authorization", "cookie", "proxy-authorization");

    public HttpHeader {
        if (name.isEmpty() || !name.chars().allMatch(HttpHeader::tchar)) {
            throw new IllegalArgumentException("'" + name + "' is not a valid header name");
        }
        if (value != null && value.chars().anyMatch(ch -> ch == '\r' || ch == '\n' || ch == 0)) {
            throw new IllegalArgumentException("the value of header " + name + " holds a line break or NUL");
        }
    }

    /** Parses {@code Name: value}; IllegalArgumentException says what is wrong. */
    public static HttpHeader parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("header '" + text + "' is not NAME: VALUE");
        }
        String value = text.substring(colon + 1).strip();
        return new HttpHeader(text.substring(0, colon), value.isEmpty() ? null : value);
    }

    /** Host, Authorization, Cookie, Proxy-Authorization: meant for the URL's own origin only. */
    boolean isCredentialOrHost() {
        return ORIGIN_BOUND.contains(name.toLowerCase(Locale.ROOT));
    }

    /** Proxy-Authorization: meant for the proxy, so it stays with every request through that proxy. */
    boolean isProxyCredential() {
        return name.equalsIgnoreCase("Proxy-Authorization");
    }

    /**
     * The request head: the request line (origin-form, or with {@code absoluteForm} the whole
     * URL, as a request to a proxy carries it, RFC 9112 §3.2.2), the defaults (Host, User-Agent: netloom, Accept:
     * *&#47;*, Connection: close), each replaced in place by the first given header of its
     * name, then the other given headers in order. Values are sent as UTF-8.
     */
    static byte[] request(String method, HttpUrl url, List<HttpHeader> given, boolean absoluteForm) {
        List<HttpHeader> headers = new ArrayList<>(List.of(new HttpHeader("Host", url.hostHeader()),
                new HttpHeader("User-Agent", "netloom"), new HttpHeader("Accept", "*/*"),
                new HttpHeader("Connection", "close")));
        boolean[] replaced = new boolean[headers.size()];
        for (HttpHeader h : given) {
            int i = 0;
            while (i < replaced.length && (replaced[i] || !headers.get(i).name().equalsIgnoreCase(h.name()))) {
                i++;
            }
            if (i < replaced.length) {
                headers.set(i, h);
                replaced[i] = true;
            } else {
                headers.add(h);
            }
        }
        StringBuilder sb = new StringBuilder(256).append(method).append(' ')
                .append(absoluteForm ? url.absoluteForm() : url.target()).append(" HTTP/1.1\r\n");
        for (HttpHeader h : headers) {
            if (h.value() != null) {
                sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
            }
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean tchar(int ch) {
        return ch < 128 && (Character.isLetterOrDigit(ch) || "!#$%&'*+-.^_`|~".indexOf(ch) >= 0);
    }
}
