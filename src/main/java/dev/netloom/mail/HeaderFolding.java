package dev.netloom.mail;

import java.util.List;

/**
 * Writes one header field from tokens separated by single spaces, folding (CRLF before the
 * space) where the next token would pass 78 characters, as RFC 5322 §2.1.1 recommends. A
 * token is never split, so a line passes 78 only for a token that long by itself.
 */
final class HeaderFolding {

    static final int LINE = 78;
    /** Longest first encoded word, so that "Subject: " and the word fit in {@link #LINE}. */
    static final int FIRST_WORD = 66;

    private HeaderFolding() {
    }

    /** "name: t1 t2 ..." folded, ending in CRLF. */
    static String fold(String name, List<String> tokens) {
        StringBuilder sb = new StringBuilder(name).append(':');
        int col = sb.length();
        boolean first = true;
        for (String t : tokens) {
            if (!first && !t.isEmpty() && col + 1 + t.length() > LINE) {
                sb.append("\r\n");
                col = 0;
            }
            sb.append(' ').append(t);
            col += 1 + t.length();
            first = false;
        }
        return sb.append("\r\n").toString();
    }
}
