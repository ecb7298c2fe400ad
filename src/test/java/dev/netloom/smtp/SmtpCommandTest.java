package dev.netloom.smtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line and MAIL/RCPT path parser on strings, without sockets. */
class SmtpCommandTest {

    @Test
    void verbIsUpperCasedAndTheArgumentKept() {
        assertEquals(new SmtpCommand("MAIL", "FROM:<a@b.c>"), SmtpCommand.parse("mail FROM:<a@b.c>".getBytes(StandardCharsets.UTF_8)));
        assertEquals(new SmtpCommand("QUIT", ""), SmtpCommand.parse("quit".getBytes(StandardCharsets.UTF_8)));
        assertEquals(new SmtpCommand("", ""), SmtpCommand.parse(new byte[0]));
        assertEquals(new SmtpCommand("EHLO", " spaced "), SmtpCommand.parse("EHLO  spaced ".getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "FROM:<a@example.com>|a@example.com",
            "from:<a@example.com>|a@example.com",
            "FROM: <a@example.com>|a@example.com",
            "FROM:<>|''",
            "FROM:<@r1.example,@r2.example:a@example.com>|a@example.com",
            "FROM:<\"john doe\"@example.com>|\"john doe\"@example.com",
            "FROM:<\"a>b\"@example.com>|\"a>b\"@example.com",
            "FROM:<a@[127.0.0.1]>|a@[127.0.0.1]",
            "FROM:<a@[IPv6:::1]>|a@[IPv6:::1]",
            "FROM:<jörg@bücher.example>|jörg@bücher.example",
            "FROM:<first.last+tag@example.com>|first.last+tag@example.com",
            "FROM:<!#$%&*/=?^_`{}~-@example.com>|!#$%&*/=?^_`{}~-@example.com",
            "FROM:<\"v@gmail.com\"@example.test>|\"v@gmail.com\"@example.test",
    })
    void validPaths(String arg, String address) throws Exception {
        assertEquals(address, SmtpCommand.Path.parse(arg, "FROM:").address());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "TO:a@example.com|501 5.1.7",
            "TO:<a@example.com|501 5.1.7",
            "FROM:<a@example.com>|501 5.5.4",
            "TO:<a@example.com>SIZE=1|501 5.5.4",
            "TO:<a>|501 5.1.3",
            "TO:<@example.com>|501 5.1.7",
            "TO:<a@>|501 5.1.3",
            "TO:<a@exa mple.com>|501 5.1.3",
            "TO:<a@-bad.example>|501 5.1.3",
            "TO:<a@example..com>|501 5.1.3",
            "TO:<a b@example.com>|501 5.1.3",
            "TO:<a@[1.2.3.4\u0000]>|501 5.1.3",
            "TO:<@route>|501 5.1.7",
            "TO:<a@example.com> =x|501 5.5.4",
            "TO:<v@gmail.com@example.test>|501 5.1.3",
            "TO:<.a@example.com>|501 5.1.3",
            "TO:<a.@example.com>|501 5.1.3",
            "TO:<a..b@example.com>|501 5.1.3",
            "TO:<a(b)@example.com>|501 5.1.3",
            "TO:<a,b@example.com>|501 5.1.3",
            "TO:<\"a\"x@example.com>|501 5.1.3",
    })
    void malformedPaths(String arg, String reply) {
        SmtpCommand.SyntaxException e = assertThrows(SmtpCommand.SyntaxException.class,
                () -> SmtpCommand.Path.parse(arg, "TO:"));
        assertTrue(e.reply.startsWith(reply + " "), e.reply);
    }

    @Test
    void parametersAndLimits() throws Exception {
        SmtpCommand.Path p = SmtpCommand.Path.parse("FROM:<a@example.com> size=100 BODY=8BITMIME SMTPUTF8", "FROM:");
        assertEquals(Map.of("SIZE", "100", "BODY", "8BITMIME", "SMTPUTF8", ""), p.params());
        assertEquals("example.com", p.domain());
        assertEquals("", SmtpCommand.Path.parse("TO:<postmaster>", "TO:").domain());
        assertEquals("\"a\\\"b\"@example.com", SmtpCommand.Path.parse("TO:<\"a\\\"b\"@example.com>", "TO:").address(),
                "a quoted-pair in a quoted local part");
        String longLocal = "x".repeat(65) + "@example.com";
        assertThrows(SmtpCommand.SyntaxException.class, () -> SmtpCommand.Path.parse("TO:<" + longLocal + ">", "TO:"));
        String longPath = "a@" + "d".repeat(60) + ("." + "d".repeat(60)).repeat(4);
        assertThrows(SmtpCommand.SyntaxException.class, () -> SmtpCommand.Path.parse("TO:<" + longPath + ">", "TO:"));
    }
}
