package dev.netloom.ftp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes as an FTP command line: the parser never fails, the verb is empty or upper-case
 * letters, the argument never holds CR, LF or NUL (which would split or cut a reply or a name),
 * and parsing is stable (parsing the verb and argument again gives the same command).
 */
class FtpCommandFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parsesAnyLine(FuzzedDataProvider data) {
        byte[] line = data.consumeRemainingAsBytes();
        FtpCommand cmd = FtpCommand.parse(line);
        assertTrue(cmd.verb().matches("[A-Z]{0,8}"), cmd.verb());
        for (String s : new String[] {cmd.verb(), cmd.arg()}) {
            assertFalse(s.contains("\r") || s.contains("\n") || s.contains("\0"), s);
        }
        if (!cmd.verb().isEmpty()) {
            String again = cmd.arg().isEmpty() ? cmd.verb() : cmd.verb() + " " + cmd.arg();
            FtpCommand reparsed = FtpCommand.parse(again.getBytes(StandardCharsets.UTF_8));
            assertEquals(cmd.verb(), reparsed.verb());
        }
        assertFalse(cmd.toString().contains("PASS ") && !cmd.toString().equals("PASS ****") && cmd.verb().equals("PASS"));
    }
}
