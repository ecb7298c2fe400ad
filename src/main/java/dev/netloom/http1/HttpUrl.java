package dev.netloom.http1;

import dev.netloom.core.HostPort;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An {@code http://HOST[:PORT]/PATH?QUERY} URL split into what a request needs: where to
 * connect, the origin-form request target and the Host header. Without a scheme, http is
 * assumed ({@code localhost:8080/x}). Spaces, non-ASCII and other characters a URL may not
 * hold are percent-encoded (UTF-8); a fragment is dropped, as it never goes on the wire.
 *
 * @param host   name or address; an IPv6 literal without brackets
 * @param port   default 80
 * @param target the request target, at least {@code /}
 */
public record HttpUrl(String host, int port, String target) {

    /** The port of a proxy given without one: 1080, as curl's {@code -x}. */
    public static final int PROXY_PORT = 1080;
    private static final Pattern SCHEME = Pattern.compile("(?s)[A-Za-z][A-Za-z0-9+.-]*://.*");

    /**
     * Parses {@code text}; IllegalArgumentException says what is wrong, and for https that it
     * is not supported.
     */
    public static HttpUrl parse(String text) {
        String t = text.strip();
        HttpUrl plain = plain(t);
        return plain != null ? plain : general(text);
    }

    /** {@link #parse} through {@link URI}, for every URL (the tests hold {@link #plain} to it). */
    static HttpUrl general(String text) {
        String t = text.strip();
        if (!SCHEME.matcher(t).matches()) {
            t = "http://" + t;
        }
        URI uri;
        try {
            uri = new URI(encode(t));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            throw new IllegalArgumentException("https is not supported; use curl");
        }
        if (!scheme.equals("http")) {
            throw new IllegalArgumentException("only http:// URLs are supported, not " + scheme + "://");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + text
                    + "': user:password@ in a URL is not supported; send -H 'Authorization: ...'");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' has no valid host");
        }
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException("'" + text + "': port must be 1-65535, not " + uri.getPort());
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new HttpUrl(host, uri.getPort() < 0 ? 80 : uri.getPort(), path + query);
    }

    /**
     * The common case without {@link URI}: {@code http://HOST[:PORT]} and a path and query of
     * visible ASCII that needs no encoding (what a proxy gets on every request), read as
     * {@link #parse} would; null for anything else (escapes to check, user info, IPv6, a
     * fragment, a bad port), which the general path reads and words the error for.
     */
    private static HttpUrl plain(String t) {
        if (!t.regionMatches(true, 0, "http://", 0, 7)) {
            return null;
        }
        int end = t.length();
        int authorityEnd = end;
        for (int i = 7; i < end; i++) {
            char c = t.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}#@[]".indexOf(c) >= 0) {
                return null;
            }
            if (c == '%' && (i + 2 >= end || Character.digit(t.charAt(i + 1), 16) < 0
                    || Character.digit(t.charAt(i + 2), 16) < 0)) {
                return null;
            }
            if ((c == '/' || c == '?') && authorityEnd == end) {
                authorityEnd = i;
            }
        }
        int colon = t.indexOf(':', 7);
        int hostEnd = colon >= 0 && colon < authorityEnd ? colon : authorityEnd;
        if (hostEnd == 7) {
            return null;
        }
        if (!plainHost(t.substring(7, hostEnd))) {
            return null;
        }
        int port = 80;
        if (hostEnd < authorityEnd) {
            String digits = t.substring(hostEnd + 1, authorityEnd);
            if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                return null;
            }
            port = Integer.parseInt(digits);
            if (port < 1 || port > 65535) {
                return null;
            }
        }
        String rest = t.substring(authorityEnd);
        String target = rest.isEmpty() ? "/" : rest.charAt(0) == '?' ? "/" + rest : rest;
        return new HttpUrl(t.substring(7, hostEnd), port, target);
    }

    /** A dotted IPv4 address, or a host name as {@link URI} reads one (labels of letters, digits, inner '-'; the last starting with a letter). */
    private static boolean plainHost(String host) {
        String[] labels = (host.endsWith(".") ? host.substring(0, host.length() - 1) : host).split("\\.", -1);
        boolean ipv4 = labels.length == 4;
        for (String label : labels) {
            if (label.isEmpty() || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c < 0x80 && (Character.isLetterOrDigit(c) || c == '-'))) {
                    return false;
                }
            }
            boolean digits = label.chars().allMatch(ch -> ch >= '0' && ch <= '9');
            ipv4 &= digits && label.length() <= 3 && Integer.parseInt(label) <= 255;
        }
        if (ipv4) {
            return !host.endsWith(".");
        }
        return Character.isLetter(labels[labels.length - 1].charAt(0));
    }

    /**
     * Parses a proxy as curl's {@code -x} takes it: {@code http://HOST[:PORT]} or {@code HOST[:PORT]}
     * (http meant), an IPv6 literal in brackets, port {@value #PROXY_PORT} when left out; a lone
     * trailing {@code /} is allowed. IllegalArgumentException says what is wrong: another scheme
     * (an https or socks proxy), {@code user:password@}, a path or query, a bad port.
     */
    public static HostPort proxy(String text) {
        String t = text.strip();
        if (!SCHEME.matcher(t).matches()) {
            t = "http://" + t;
        }
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("proxy '" + text + "' is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http")) {
            throw new IllegalArgumentException("only an http:// proxy is supported, not " + scheme + "://");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("proxy '" + text
                    + "': user:password@ is not supported; send -H 'Proxy-Authorization: ...'");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("proxy '" + text + "' has no valid host");
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("proxy '" + text + "' has a path; give http://HOST[:PORT]");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException("proxy '" + text + "': port must be 1-65535, not " + uri.getPort());
        }
        return new HostPort(HostPort.unbracket(host), uri.getPort() < 0 ? PROXY_PORT : uri.getPort());
    }

    /** The Host header value: the host, with the port unless it is 80 (RFC 9110 §7.2). */
    public String hostHeader() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return port == 80 ? h : h + ":" + port;
    }

    /** Host and port, for messages: {@code 127.0.0.1:8080}. */
    public String authority() {
        return HostPort.format(host, port);
    }

    /** True when {@code other} is the same host and port (credentials may go to it). */
    public boolean sameOrigin(HttpUrl other) {
        return host.equalsIgnoreCase(other.host) && port == other.port;
    }

    /**
     * A Location header resolved against this URL as RFC 3986 §5.2 says (an absolute URL, a
     * network-path {@code //host/x}, an absolute path, a query, or a relative path with dot
     * segments removed).
     */
    public HttpUrl resolve(String location) {
        URI ref;
        try {
            ref = new URI(encode(location.strip()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Location '" + location + "' is not a valid URL: " + e.getReason());
        }
        if (ref.getScheme() != null) {
            return parse(ref.toString());
        }
        String base = "http://" + hostHeader();
        if (ref.getRawAuthority() != null) {
            return parse("http:" + ref.toString());
        }
        int q = target.indexOf('?');
        String basePath = q < 0 ? target : target.substring(0, q);
        String refPath = ref.getRawPath() == null ? "" : ref.getRawPath();
        String query = ref.getRawQuery() != null ? "?" + ref.getRawQuery() : "";
        if (refPath.isEmpty()) {
            return parse(base + basePath + (ref.getRawQuery() != null ? query : (q < 0 ? "" : target.substring(q))));
        }
        String merged = refPath.startsWith("/") ? refPath : basePath.substring(0, basePath.lastIndexOf('/') + 1) + refPath;
        return parse(base + removeDotSegments(merged) + query);
    }

    /** RFC 3986 §5.2.4, on an absolute path. */
    static String removeDotSegments(String path) {
        String[] segments = path.split("/", -1);
        ArrayDeque<String> out = new ArrayDeque<>();
        for (int i = 1; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals(".") || s.equals("..")) {
                if (s.equals("..") && !out.isEmpty()) {
                    out.removeLast();
                }
                if (last) {
                    out.addLast(""); // "a/b/.." is the folder "a/"
                }
            } else {
                out.addLast(s);
            }
        }
        return "/" + String.join("/", out);
    }

    /** Percent-encodes what may not appear in a URL (spaces, controls, non-ASCII, {@code "<>\^`{|}}). */
    static String encode(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}".indexOf(c) >= 0) {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /** The URL as an absolute-form request target, for a proxy (RFC 9112 §3.2.2): {@code http://host:8080/a?b}. */
    public String absoluteForm() {
        return "http://" + hostHeader() + target;
    }

    @Override
    public String toString() {
        return absoluteForm();
    }
}
