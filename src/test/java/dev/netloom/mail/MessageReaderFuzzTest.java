package dev.netloom.mail;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reader on hostile input: any bytes give a message (without the safety net that
 * {@link MessageReader#parse} adds, so a bug shows as an exception here), never an exception or
 * a hang; every accessor works on the result, each attachment's size is its data's length, and
 * no attachment holds more bytes than the input. The header decoders take any text.
 */
class MessageReaderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void anyBytesParse(byte[] input) {
        ParsedMessage m = MessageReader.parseUnguarded(input);
        assertNotNull(m);
        assertNotNull(m.subject());
        assertNotNull(m.from());
        assertNotNull(m.to());
        m.headers("Content-Type");
        long total = 0;
        for (Part p : m.attachments()) {
            assertEquals(p.data().length, p.size());
            total += p.size();
        }
        assertTrue(total <= input.length, "attachments hold more than the input");
        String text = new String(input, StandardCharsets.ISO_8859_1);
        assertNotNull(EncodedWords.decode(text));
        assertNotNull(MimeParams.parse(text));
        assertNotNull(Addresses.parse(text));
    }
}
