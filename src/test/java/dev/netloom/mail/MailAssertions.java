package dev.netloom.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** What the mail tests share: Jakarta Mail as the judge, line-length checks, digests. */
final class MailAssertions {

    private MailAssertions() {
    }

    static Session session() {
        Properties p = new Properties();
        p.setProperty("mail.mime.decodefilename", "true");
        p.setProperty("mail.mime.decodeparameters", "true");
        return Session.getInstance(p);
    }

    static MimeMessage jakarta(byte[] raw) {
        try {
            return new MimeMessage(session(), new ByteArrayInputStream(raw));
        } catch (MessagingException e) {
            throw new AssertionError("Jakarta Mail cannot read the message", e);
        }
    }

    /** Every line ends in CRLF and holds at most 998 octets; header lines at most 78 characters. */
    static void assertLines(byte[] raw) {
        boolean inHeaders = true;
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\r' && (i + 1 == raw.length || raw[i + 1] != '\n')) {
                fail("bare CR at " + i);
            }
            if (raw[i] == '\n') {
                if (i == 0 || raw[i - 1] != '\r') {
                    fail("bare LF at " + i);
                }
                int len = i - 1 - start;
                assertTrue(len <= 998, "line of " + len + " octets at " + start);
                if (inHeaders) {
                    assertTrue(len <= 78, "header line of " + len + ": "
                            + new String(raw, start, len, StandardCharsets.UTF_8));
                    inHeaders = len > 0;
                }
                start = i + 1;
            }
        }
        assertTrue(raw.length - start <= 998, "last line too long");
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String lf(String s) {
        return s == null ? null : s.replace("\r\n", "\n");
    }

    static String headerSection(byte[] raw) {
        String s = new String(raw, StandardCharsets.UTF_8);
        return s.substring(0, s.indexOf("\r\n\r\n") + 2);
    }
}
