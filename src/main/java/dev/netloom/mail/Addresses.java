package dev.netloom.mail;

import java.util.ArrayList;
import java.util.List;

/*
 * RFC 5322 §3.4 address lists, read leniently:
 *
 *   address-list = address *("," address)
 *   address      = mailbox / group
 *   group        = display-name ":" [mailbox-list] ";"
 *   mailbox      = [display-name] "<" [route ":"] addr-spec ">" / addr-spec
 *
 * Quoted strings (with backslash escapes), nested comments "(...)" and domain literals
 * "[...]" are honoured, so commas inside them separate nothing. A group's name is dropped and
 * its members kept. An obsolete route ("@a,@b:") before the addr-spec is removed. Every
 * construct left open at the end of input ends there, so any text gives some list.
 */

/** Reads RFC 5322 address lists and writes mailboxes for headers. */
final class Addresses {

    /** A mailbox: its display name (RFC 2047-decoded, null when none) and its addr-spec. */
    record Mailbox(String name, String address) {
    }

    private Addresses() {
    }

    /** The mailboxes in an address-list header value (unfolded, not decoded). Never throws. */
    static List<Mailbox> parse(String list) {
        List<Mailbox> out = new ArrayList<>();
        StringBuilder raw = new StringBuilder();
        StringBuilder phrase = new StringBuilder();
        String angle = null;
        int n = list.length();
        for (int i = 0; i < n; i++) {
            char c = list.charAt(i);
            switch (c) {
                case '"' -> i = quoted(list, i, raw, phrase);
                case '(' -> {
                    phrase.append(' ');
                    i = commentEnd(list, i);
                }
                case '[' -> {
                    int j = indexOrEnd(list, ']', i);
                    raw.append(list, i, Math.min(j + 1, n));
                    phrase.append(list, i, Math.min(j + 1, n));
                    i = j;
                }
                case '<' -> {
                    int j = indexOrEnd(list, '>', i + 1);
                    angle = list.substring(i + 1, j);
                    i = j;
                }
                case ',', ';' -> {
                    finish(out, raw, phrase, angle);
                    angle = null;
                }
                case ':' -> {
                    // a group's name; the members follow
                    raw.setLength(0);
                    phrase.setLength(0);
                }
                default -> {
                    raw.append(c);
                    phrase.append(c);
                }
            }
        }
        finish(out, raw, phrase, angle);
        return out;
    }

    /**
     * Reads the quoted string that opens at {@code start}: appends it as written to {@code raw}
     * and unquoted to {@code phrase}; returns the index of its closing quote (the end when none).
     */
    private static int quoted(String list, int start, StringBuilder raw, StringBuilder phrase) {
        int n = list.length();
        int j = start + 1;
        StringBuilder q = new StringBuilder();
        while (j < n && list.charAt(j) != '"') {
            if (list.charAt(j) == '\\' && j + 1 < n) {
                j++;
            }
            q.append(list.charAt(j++));
        }
        raw.append(list, start, Math.min(j + 1, n));
        phrase.append(q);
        return j;
    }

    /** The index of the parenthesis closing the (nested) comment that opens at {@code start}, or the end. */
    private static int commentEnd(String list, int start) {
        int depth = 0;
        int j = start;
        for (; j < list.length(); j++) {
            char d = list.charAt(j);
            if (d == '\\') {
                j++;
            } else if (d == '(') {
                depth++;
            } else if (d == ')' && --depth == 0) {
                break;
            }
        }
        return j;
    }

    /** The index of {@code c} at or after {@code from}, or the length of {@code list} when there is none. */
    private static int indexOrEnd(String list, char c, int from) {
        int j = list.indexOf(c, from);
        return j < 0 ? list.length() : j;
    }

    private static void finish(List<Mailbox> out, StringBuilder raw, StringBuilder phrase, String angle) {
        if (angle != null) {
            String addr = angle.strip();
            if (addr.startsWith("@") && addr.indexOf(':') > 0) {
                addr = addr.substring(addr.indexOf(':') + 1).strip();
            }
            String name = phrase.toString().strip().replaceAll("\\s+", " ");
            if (!addr.isEmpty()) {
                out.add(new Mailbox(name.isEmpty() ? null : EncodedWords.decode(name), addr));
            }
        } else if (!raw.toString().isBlank()) {
            out.add(new Mailbox(null, raw.toString().strip()));
        }
        raw.setLength(0);
        phrase.setLength(0);
    }

    /**
     * Header tokens (see {@link HeaderFolding}) for addresses as a user typed them, each
     * element one mailbox or a comma-separated list; a non-ASCII display name becomes encoded
     * words, a name with specials a quoted string. Tokens end in "," between mailboxes, and a
     * plain mailbox is one token, so long lists fold after commas.
     */
    static List<String> tokens(List<String> addresses) {
        List<List<String>> boxes = new ArrayList<>();
        for (String a : addresses) {
            for (Mailbox m : parse(a.replace('\r', ' ').replace('\n', ' '))) {
                boxes.add(words(m));
            }
        }
        List<String> out = new ArrayList<>();
        for (int b = 0; b < boxes.size(); b++) {
            List<String> w = new ArrayList<>(boxes.get(b));
            if (b + 1 < boxes.size()) {
                w.set(w.size() - 1, w.getLast() + ",");
            }
            out.addAll(w);
        }
        return out;
    }

    /** One token per mailbox, so folding falls at commas; encoded names give a token per word. */
    private static List<String> words(Mailbox m) {
        if (m.name() == null || m.name().isBlank()) {
            return List.of(m.address());
        }
        String name = m.name().strip();
        String angle = "<" + m.address() + ">";
        if (!EncodedWords.isPlain(name)) {
            List<String> out = new ArrayList<>(EncodedWords.words(name, HeaderFolding.FIRST_WORD));
            out.add(angle);
            return out;
        }
        if (name.chars().allMatch(c -> c == ' ' || isAtext(c))) {
            return List.of(name.replaceAll(" +", " ") + " " + angle);
        }
        return List.of('"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\" " + angle);
    }

    private static boolean isAtext(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }
}
