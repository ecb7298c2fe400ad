package dev.netloom.ftp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One FTP command line parsed (RFC 959 section 4.1): the verb, upper-cased, and its argument,
 * everything after the single space that follows the verb (file names may hold spaces).
 * Telnet IAC sequences, which some clients send before ABOR, are dropped; bytes that are not
 * UTF-8 become U+FFFD, so a name the file system cannot hold is refused later, not here.
 *
 * @param verb the command, upper-case letters only, or "" when the line starts otherwise
 * @param arg  the argument, "" when there is none; never holds CR or LF
 */
public record FtpCommand(String verb, String arg) {

    /** The verbs the server knows (HELP lists them; {@code netloom_commands_total} counts each, the rest as other). */
    static final List<String> VERBS = List.of("ABOR", "ACCT", "APPE", "AUTH", "CDUP", "CWD", "DELE", "EPRT", "EPSV",
            "FEAT", "HELP", "LIST", "MDTM", "MKD", "MLSD", "MLST", "MODE", "NLST", "NOOP", "OPTS", "PASS", "PASV",
            "PBSZ", "PORT", "PROT", "PWD", "QUIT", "REST", "RETR", "RMD", "RNFR", "RNTO", "SIZE", "STAT", "STOR",
            "STOU", "STRU", "SYST", "TYPE", "USER", "XCUP", "XCWD", "XMKD", "XPWD", "XRMD");
    private static final int IAC = 0xFF;
    private static final int MAX_VERB = 8;

    /** Parses a line as read, without its terminator; never throws. */
    public static FtpCommand parse(byte[] line) {
        byte[] clean = new byte[line.length];
        int n = 0;
        for (int i = 0; i < line.length; i++) {
            int b = line[i] & 0xff;
            if (b == IAC && i + 1 < line.length) {
                i++; // IAC IAC is a literal 0xFF byte; IAC and any other byte is a Telnet command
                if ((line[i] & 0xff) == IAC) {
                    clean[n++] = (byte) IAC;
                }
            } else if (b != '\r' && b != '\n' && b != 0 && b != IAC) {
                clean[n++] = (byte) b;
            }
        }
        String text = new String(clean, 0, n, StandardCharsets.UTF_8);
        int space = text.indexOf(' ');
        String verb = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
        if (verb.isEmpty() || verb.length() > MAX_VERB || !verb.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            return new FtpCommand("", text);
        }
        return new FtpCommand(verb, space < 0 ? "" : text.substring(space + 1));
    }

    /** What the shell shows: the command, with PASS's argument hidden. */
    @Override
    public String toString() {
        return verb.equals("PASS") ? "PASS ****" : arg.isEmpty() ? verb : verb + " " + arg;
    }

    /** HELP's lines: {@link #VERBS} in columns, fourteen a line, each line starting with a space. */
    static List<String> helpLines() {
        List<String> lines = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < VERBS.size(); i++) {
            b.append(' ').append("%-4s".formatted(VERBS.get(i)));
            if (i % 14 == 13 || i == VERBS.size() - 1) {
                lines.add(b.toString().stripTrailing());
                b.setLength(0);
            }
        }
        return lines;
    }
}
