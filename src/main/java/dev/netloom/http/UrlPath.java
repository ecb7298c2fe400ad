package dev.netloom.http;

import dev.netloom.http1.HttpException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The path of a request target, made safe to map onto a directory: the query is dropped, an
 * absolute-form target loses its scheme and authority, the path is percent-decoded once as
 * UTF-8, and {@code .} and {@code ..} segments are resolved. Whatever the input, the result is
 * a clean {@code /a/b} below the root; an encoded NUL, a backslash, malformed encoding, or a
 * {@code ..} above the root is a 400.
 *
 * @param path          normalized, decoded, starting with {@code /}, no trailing slash except the root
 * @param trailingSlash whether the request path ended with {@code /}
 * @param query         the raw query including {@code ?}, or "" (kept for redirects)
 */
record UrlPath(String path, boolean trailingSlash, String query) {

    static UrlPath parse(String target) throws HttpException {
        UrlPath clean = clean(target);
        if (clean != null) {
            return clean;
        }
        String t = target;
        if (t.regionMatches(true, 0, "http://", 0, 7) || t.regionMatches(true, 0, "https://", 0, 8)) {
            int slash = t.indexOf('/', t.indexOf("//") + 2);
            t = slash < 0 ? "/" : t.substring(slash);
        }
        if (!t.startsWith("/")) {
            throw new HttpException(400, "request target is not a path");
        }
        String query = "";
        int q = t.indexOf('?');
        if (q >= 0) {
            query = t.substring(q);
            t = t.substring(0, q);
        }
        int hash = t.indexOf('#');
        if (hash >= 0) {
            t = t.substring(0, hash);
        }
        String decoded = decode(t);
        if (decoded.indexOf('\0') >= 0 || decoded.indexOf('\\') >= 0) {
            throw new HttpException(400, "NUL or backslash in the path");
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String seg : decoded.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                if (segments.isEmpty()) {
                    throw new HttpException(400, "path goes above the root");
                }
                segments.removeLast();
                continue;
            }
            segments.addLast(seg);
        }
        String path = "/" + String.join("/", segments);
        boolean trailing = decoded.endsWith("/") || decoded.endsWith("/.") || decoded.endsWith("/..");
        return new UrlPath(path, trailing && !path.equals("/"), query);
    }

    /**
     * The common case without a String split or decode: a target of only unreserved characters
     * and slashes, with no empty, {@code .} or {@code ..} segment, is already normal. Null otherwise.
     */
    private static UrlPath clean(String target) {
        int n = target.length();
        int end = target.indexOf('?');
        if (end < 0) {
            end = n;
        }
        if (end == 0 || target.charAt(0) != '/') {
            return null;
        }
        char prev = '/';
        for (int i = 1; i < end; i++) {
            char c = target.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '~' || (c == '.' && prev != '/') || (c == '/' && prev != '/');
            if (!ok) {
                return null;
            }
            prev = c;
        }
        boolean trailing = end > 1 && prev == '/';
        String path = target.substring(0, trailing ? end - 1 : end);
        return new UrlPath(path, trailing, end == n ? "" : target.substring(end));
    }

    private static String decode(String s) throws HttpException {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new HttpException(400, "bad percent-encoding");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new HttpException(400, "bad percent-encoding");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new HttpException(400, "path is not UTF-8");
        }
    }

    /** The segments below the root, for checks such as dotfiles. */
    String[] segments() {
        return path.equals("/") ? new String[0] : path.substring(1).split("/");
    }

    /** Percent-encodes a path for a Location header or a link. */
    static String encode(String path) {
        StringBuilder sb = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "/-._~!$&'()*+,;=:@".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }
}
