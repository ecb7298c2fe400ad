package dev.netloom.smtp;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One SMTP command line (RFC 5321 section 4.1.1): a verb, then its argument after one space.
 * The verb is matched in any case; a line that is not UTF-8 is decoded with replacement
 * characters, which no verb contains, so it is simply unknown.
 *
 * @param verb the verb in upper case ("" for an empty line)
 * @param arg  the rest after the first space, as sent ("" when none)
 */
record SmtpCommand(String verb, String arg) {

    /** The verbs the server knows ({@code netloom_commands_total} counts each, the rest as other). */
    static final List<String> VERBS = List.of("EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "VRFY", "EXPN",
            "HELP", "QUIT", "STARTTLS", "AUTH");

    static SmtpCommand parse(byte[] line) {
        String text = new String(line, StandardCharsets.UTF_8);
        int space = text.indexOf(' ');
        String verb = space < 0 ? text : text.substring(0, space);
        return new SmtpCommand(verb.toUpperCase(Locale.ROOT), space < 0 ? "" : text.substring(space + 1));
    }

    /** Thrown for an argument that breaks the grammar, with the reply that says so. */
    static final class SyntaxException extends Exception {
        final String reply;

        SyntaxException(String reply) {
            super(reply, null, false, false);
            this.reply = reply;
        }
    }

    /**
     * The path and parameters of {@code MAIL FROM:<path> [params]} or {@code RCPT TO:<path> [params]}
     * (RFC 5321 section 4.1.2). A space after the colon is tolerated, as most servers do; the angle
     * brackets are not optional. A source route ({@code <@a,@b:user@host>}) is dropped.
     *
     * @param address the mailbox, "" for the null reverse-path {@code <>}
     * @param params  ESMTP parameters by upper-case keyword; a keyword without value maps to ""
     */
    record Path(String address, Map<String, String> params) {

        private static final int MAX_PATH = 256;
        private static final int MAX_LOCAL = 64;
        private static final int MAX_DOMAIN = 255;
        /** RFC 5322 atext besides letters and digits. */
        private static final String ATEXT = "!#$%&'*+-/=?^_`{|}~";

        /** Parses the argument after {@code keyword} ({@code FROM:} or {@code TO:}). */
        static Path parse(String arg, String keyword) throws SyntaxException {
            if (arg.length() < keyword.length() || !arg.regionMatches(true, 0, keyword, 0, keyword.length())) {
                throw new SyntaxException("501 5.5.4 Syntax: " + (keyword.equals("FROM:")
                        ? "MAIL FROM:<address>" : "RCPT TO:<address>"));
            }
            String rest = arg.substring(keyword.length()).stripLeading();
            if (!rest.startsWith("<")) {
                throw new SyntaxException("501 5.1.7 Bad address syntax: the address must be in <>");
            }
            int close = closing(rest);
            if (close < 0) {
                throw new SyntaxException("501 5.1.7 Bad address syntax: no closing >");
            }
            String path = rest.substring(1, close);
            if (path.length() > MAX_PATH) {
                throw new SyntaxException("501 5.1.7 Bad address syntax: path too long");
            }
            if (path.startsWith("@")) {
                int colon = path.indexOf(':');
                if (colon < 0) {
                    throw new SyntaxException("501 5.1.7 Bad address syntax: source route without :");
                }
                path = path.substring(colon + 1);
            }
            if (!path.isEmpty()) {
                check(path);
            }
            Map<String, String> params = new LinkedHashMap<>();
            String tail = rest.substring(close + 1);
            if (!tail.isEmpty() && !tail.startsWith(" ")) {
                throw new SyntaxException("501 5.5.4 Syntax: a space must follow the address");
            }
            for (String p : tail.strip().split(" +")) {
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                String key = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
                if (key.isEmpty() || !key.chars().allMatch(ch -> ch < 128 && (Character.isLetterOrDigit(ch) || ch == '-'))) {
                    throw new SyntaxException("501 5.5.4 Syntax: bad parameter " + p);
                }
                params.put(key, eq < 0 ? "" : p.substring(eq + 1));
            }
            return new Path(path, params);
        }

        /** The index of the '>' closing the path, skipping quoted parts of the local part. */
        private static int closing(String s) {
            boolean quoted = false;
            for (int i = 1; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == '\\' && quoted) {
                    i++;
                } else if (ch == '"') {
                    quoted = !quoted;
                } else if (ch == '>' && !quoted) {
                    return i;
                }
            }
            return -1;
        }

        private static void check(String mailbox) throws SyntaxException {
            int at = mailbox.lastIndexOf('@');
            if (at < 0) {
                if (mailbox.equalsIgnoreCase("postmaster")) {
                    return; // RFC 5321 4.5.1: <postmaster> without a domain must be accepted
                }
                throw new SyntaxException("501 5.1.3 Bad address syntax: no @domain in <" + mailbox + ">");
            }
            String local = mailbox.substring(0, at);
            String domain = mailbox.substring(at + 1);
            if (local.isEmpty() || local.length() > MAX_LOCAL) {
                throw new SyntaxException("501 5.1.3 Bad address syntax: local part empty or over 64 octets");
            }
            if (domain.isEmpty() || domain.length() > MAX_DOMAIN || !validDomain(domain)) {
                throw new SyntaxException("501 5.1.3 Bad address syntax: bad domain '" + domain + "'");
            }
            String wrong = local.startsWith("\"") ? quotedString(local) : dotString(local);
            if (wrong != null) {
                throw new SyntaxException("501 5.1.3 Bad address syntax: " + wrong + " in the local part of <"
                        + printable(mailbox) + ">");
            }
        }

        /**
         * What is wrong with an unquoted local part, or null: RFC 5321's {@code Dot-string}, atoms of
         * {@code atext} (RFC 6531 adds non-ASCII for SMTPUTF8) joined by single dots. An unquoted
         * {@code @} is the case that matters: {@code <v@gmail.com@example.test>} is not a mailbox
         * of example.test.
         */
        private static String dotString(String local) {
            if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
                return "a misplaced dot";
            }
            for (int i = 0; i < local.length(); i++) {
                char ch = local.charAt(i);
                if (ch != '.' && ch < 128 && !Character.isLetterOrDigit(ch) && ATEXT.indexOf(ch) < 0) {
                    return ch <= ' ' || ch == 0x7f ? "a control or space" : "an unquoted '" + ch + "'";
                }
            }
            return null;
        }

        /** What is wrong with a {@code Quoted-string} local part, or null (qtextSMTP and quoted-pairs). */
        private static String quotedString(String local) {
            if (local.length() < 2 || !local.endsWith("\"")) {
                return "an unclosed quote";
            }
            for (int i = 1; i < local.length() - 1; i++) {
                char ch = local.charAt(i);
                if (ch == '\\' && i + 1 < local.length() - 1) {
                    char next = local.charAt(++i);
                    if (next < ' ' || next > '~') {
                        return "a control";
                    }
                } else if (ch == '"' || ch == '\\') {
                    return "a stray quote or backslash";
                } else if (ch < ' ' || ch == 0x7f) {
                    return "a control";
                }
            }
            return null;
        }

        private static String printable(String s) {
            return s.replaceAll("\\p{Cntrl}", "?");
        }

        private static boolean validDomain(String d) {
            if (d.startsWith("[") && d.endsWith("]")) {
                return d.length() > 2 && d.substring(1, d.length() - 1).matches("[A-Za-z0-9.:-]+"); // an address literal
            }
            for (String label : d.split("\\.", -1)) {
                if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                    return false;
                }
                for (int i = 0; i < label.length(); i++) {
                    char ch = label.charAt(i);
                    // non-ASCII letters are allowed for SMTPUTF8 (U-labels)
                    if (ch < 128 && !Character.isLetterOrDigit(ch) && ch != '-' && ch != '_') {
                        return false;
                    }
                }
            }
            return true;
        }

        /** The domain in lower case, "" for {@code <>} and {@code <postmaster>}. */
        String domain() {
            int at = address.lastIndexOf('@');
            return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
        }
    }
}
