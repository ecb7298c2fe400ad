package dev.netloom.tools;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where an FTP client goes: {@code ftp://[USER[:PASSWORD]@]HOST[:PORT]/PATH} (RFC 1738 §3.2), or
 * {@code HOST[:PORT]} alone with {@link #host}. User, password and path are percent-decoded. The
 * path is taken as RFC 1738 says, relative to the login directory: {@code ftp://h/dir/f} is
 * {@code dir/f}, and an absolute path needs a second slash, {@code ftp://h//srv/f}. The port
 * defaults to 21; an IPv6 host is written in brackets.
 *
 * @param user     the user, or null for anonymous
 * @param password the password, or null when the URL gives none
 * @param path     the path after the host's slash, decoded; empty when there is none
 */
public record FtpUrl(String user, String password, String host, int port, String path) {

    /** Parses an ftp:// URL; IllegalArgumentException says what is wrong with the text. */
    public static FtpUrl parse(String text) {
        if (!text.toLowerCase(Locale.ROOT).startsWith("ftp://")) {
            throw new IllegalArgumentException("'" + text + "' is not an ftp:// URL");
        }
        String rest = text.substring("ftp://".length());
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : decode(rest.substring(slash + 1), text);
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String info = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon), text);
            password = colon < 0 ? null : decode(info.substring(colon + 1), text);
            if (user.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' has an empty user name");
            }
        }
        FtpUrl where = host(authority);
        return new FtpUrl(user, password, where.host(), where.port(), path);
    }

    /** {@code HOST[:PORT]} ({@code [V6]:PORT} for IPv6), no user and no path. */
    public static FtpUrl host(String text) {
        String host = text;
        int port = FtpClient.DEFAULT_PORT;
        int colon = text.lastIndexOf(':');
        if (colon >= 0 && (!text.startsWith("[") || text.lastIndexOf(']') < colon)) {
            host = text.substring(0, colon);
            String p = text.substring(colon + 1);
            if (!p.matches("\\d{1,5}") || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65535) {
                throw new IllegalArgumentException("'" + p + "' in '" + text + "' is not a port (1-65535)");
            }
            port = Integer.parseInt(p);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || host.contains("[") || host.contains("]") || host.contains("/")) {
            throw new IllegalArgumentException("'" + text + "' is not HOST[:PORT]");
        }
        return new FtpUrl(null, null, host, port, "");
    }

    private static String decode(String s, String url) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + url + "' has a bad %-escape");
        }
    }
}
