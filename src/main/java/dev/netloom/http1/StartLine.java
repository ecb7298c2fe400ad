package dev.netloom.http1;

/*
 * Start lines (RFC 9112 §3, §4):
 *
 *   request-line = method SP request-target SP HTTP-version
 *   status-line  = HTTP-version SP status-code SP [ reason-phrase ]
 *   HTTP-version = "HTTP/" DIGIT "." DIGIT
 *
 * Strict: one SP between parts, a token for the method, visible ASCII in the target. Versions
 * HTTP/1.x are accepted (a later minor is answered as 1.1); other majors are 505.
 */

/** Parses the start line of a head that {@link HeadReader} has delimited, and checks Host. */
final class StartLine {

    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char ch = '0'; ch <= '9'; ch++) {
            TCHAR[ch] = true;
        }
        for (char ch = 'a'; ch <= 'z'; ch++) {
            TCHAR[ch] = true;
            TCHAR[ch - 32] = true;
        }
        for (char ch : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[ch] = true;
        }
    }

    private StartLine() {
    }

    /** True for a token character (RFC 9110 §5.6.2). */
    static boolean tchar(int ch) {
        return ch < 128 && TCHAR[ch];
    }

    /** A request head from its bytes: method, target, version, and the Host rules of RFC 9112 §3.2. */
    static MessageHead request(byte[] d, int len, int[] fields, int count) throws HttpException {
        int sp1 = 0;
        while (sp1 < len && d[sp1] != ' ') {
            int ch = d[sp1] & 0xff;
            if (!tchar(ch)) {
                throw new HttpException(400, "malformed request line");
            }
            sp1++;
        }
        if (sp1 == 0 || sp1 == len) {
            throw new HttpException(400, "malformed request line");
        }
        int sp2 = sp1 + 1;
        while (sp2 < len && d[sp2] != ' ') {
            int ch = d[sp2] & 0xff;
            if (ch <= 0x20 || ch >= 0x7f) {
                throw new HttpException(400, "malformed request target");
            }
            sp2++;
        }
        if (sp2 == sp1 + 1 || sp2 == len) {
            throw new HttpException(400, "malformed request line");
        }
        int minor = version(d, sp2 + 1, len);
        MessageHead head = new MessageHead(d, true, sp1, sp1 + 1, sp2, sp2 + 1, len, minor, fields, count);
        int hosts = head.occurrences("Host");
        if ((minor >= 1 && hosts != 1) || hosts > 1) {
            throw new HttpException(400, hosts == 0 ? "no Host header" : "more than one Host header");
        }
        if (hosts == 1 && !validHost(head.header("Host"))) {
            throw new HttpException(400, "invalid Host header"); // RFC 9112 §3.2
        }
        return head;
    }

    /** {@code uri-host [":" port]} of RFC 3986: reg-name or IPv4 characters, or an IP literal in brackets. */
    static boolean validHost(String host) {
        int colon = host.lastIndexOf(':');
        int nameEnd = host.length();
        if (colon >= 0 && host.indexOf(']') < colon) {
            for (int i = colon + 1; i < host.length(); i++) {
                char c = host.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
            }
            nameEnd = colon;
        }
        if (nameEnd > 0 && host.charAt(0) == '[') {
            if (nameEnd <= 2 || host.charAt(nameEnd - 1) != ']') {
                return false;
            }
            for (int i = 1; i < nameEnd - 1; i++) {
                char c = host.charAt(i);
                if (Character.digit(c, 16) < 0 && c != ':' && c != '.' && c != 'v' && c != 'V') {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < nameEnd; i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~%!$&'()*+,;=".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A response head from its bytes; a malformed status line is a 502 for whoever relays it. */
    static MessageHead response(byte[] d, int len, int[] fields, int count) throws HttpException {
        if (len < 12 || d[8] != ' ' || (len > 12 && d[12] != ' ')) {
            throw new HttpException(502, "malformed status line");
        }
        int minor = version(d, 0, 8);
        for (int i = 9; i < 12; i++) {
            if (d[i] < '0' || d[i] > '9') {
                throw new HttpException(502, "malformed status code");
            }
        }
        return new MessageHead(d, false, 8, 9, 12, Math.min(13, len), len, minor, fields, count);
    }

    /** The minor version of {@code HTTP/1.x}; other majors are 505, bad syntax 400. */
    private static int version(byte[] d, int s, int end) throws HttpException {
        if (end - s != 8 || d[s] != 'H' || d[s + 1] != 'T' || d[s + 2] != 'T' || d[s + 3] != 'P' || d[s + 4] != '/'
                || d[s + 6] != '.' || !digit(d[s + 5]) || !digit(d[s + 7])) {
            throw new HttpException(400, "malformed HTTP version");
        }
        if (d[s + 5] != '1') {
            throw new HttpException(505, "HTTP/" + (char) d[s + 5] + "." + (char) d[s + 7] + " is not supported");
        }
        return Math.min(1, d[s + 7] - '0');
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }
}
