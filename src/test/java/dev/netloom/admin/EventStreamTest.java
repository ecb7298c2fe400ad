package dev.netloom.admin;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server-sent-events framing and the writer's loop, on bytes without a socket. */
class EventStreamTest {

    @Test
    void eachLineOfTheDataIsADataField() {
        assertEquals("event: log\ndata: one\n\n", text(EventStream.frame("log", "one")));
        assertEquals("event: m\ndata: a\ndata: b\ndata: c\ndata: \ndata: d\n\n",
                text(EventStream.frame("m", "a\r\nb\rc\n\nd")));
        assertEquals("event: log\ndata: \n\n", text(EventStream.frame("log", "")));
        assertThrows(IllegalArgumentException.class, () -> EventStream.frame("a\nb", "x"));
    }

    @Test
    void writesEventsAndAKeepaliveAfterSilenceUntilEnded() throws Exception {
        EventStream s = new EventStream(Duration.ofMillis(100));
        Sink out = new Sink();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                s.run(out);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(s.send("log", "first"));
        await().atMost(Duration.ofSeconds(5)).until(() -> out.text().contains(": keepalive\n\n"));
        assertTrue(out.text().startsWith("event: log\ndata: first\n\n"), out.text());
        s.end();
        writer.join(5000);
        assertFalse(writer.isAlive(), "run ends with end()");
        assertFalse(s.send("log", "late"), "nothing is taken after the end");
    }

    @Test
    void aClientTooFarBehindHasItsStreamEnded() {
        EventStream s = new EventStream(Duration.ofSeconds(15));
        for (int i = 0; i < EventStream.MAX_QUEUED; i++) {
            assertTrue(s.send("log", "line " + i));
        }
        assertFalse(s.send("log", "one too many"));
        assertTrue(s.ended());
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A ByteArrayOutputStream whose text any thread may read while another writes. */
    static final class Sink extends OutputStream {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int c) {
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) {
            b.write(buf, off, len);
        }

        synchronized String text() {
            return b.toString(StandardCharsets.UTF_8);
        }
    }
}
