package dev.netloom.smtp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes as an SMTP command line: the parser never fails, the verb is upper case without
 * spaces, and a MAIL or RCPT argument either parses to a path with no CR, LF or NUL in its
 * address (which would forge a header in Received or a reply) or is refused with a 501/555
 * reply, never an exception.
 */
class SmtpCommandFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parsesAnyLine(FuzzedDataProvider data) {
        byte[] line = data.consumeRemainingAsBytes();
        SmtpCommand cmd = SmtpCommand.parse(line);
        assertFalse(cmd.verb().contains(" "), cmd.verb());
        assertEquals(cmd.verb().toUpperCase(Locale.ROOT), cmd.verb());
        for (String keyword : new String[] {"FROM:", "TO:"}) {
            try {
                SmtpCommand.Path p = SmtpCommand.Path.parse(cmd.arg(), keyword);
                assertFalse(p.address().contains("\r") || p.address().contains("\n") || p.address().contains("\0"),
                        p.address());
                assertTrue(p.address().length() <= 256, "path length");
                p.params().keySet().forEach(k -> assertTrue(k.matches("[A-Z0-9-]+"), k));
            } catch (SmtpCommand.SyntaxException e) {
                assertTrue(e.reply.matches("5\\d\\d 5\\.\\d\\.\\d+ .*"), e.reply);
            }
        }
    }
}
