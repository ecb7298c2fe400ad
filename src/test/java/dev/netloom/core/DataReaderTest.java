package dev.netloom.core;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared buffered reader: searches and their limits on byte arrays, deadlines on real sockets. */
class DataReaderTest {

    private static DataReader reader(String text, int chunk) {
        return new DataReader(chunked(text.getBytes(StandardCharsets.ISO_8859_1), chunk), 16);
    }

    /** A stream that hands out at most {@code chunk} bytes per read. */
    private static InputStream chunked(byte[] b, int chunk) {
        return new ByteArrayInputStream(b) {
            @Override
            public synchronized int read(byte[] buf, int off, int len) {
                return super.read(buf, off, Math.min(len, chunk));
            }
        };
    }

    @Test
    void lineEndsAreFoundAcrossReadsAndTheBufferGrowsForThem() throws IOException {
        for (int chunk : new int[] {1, 3, 1000}) {
            DataReader r = reader("first line here\r\nsecond one, longer than the sixteen bytes\nend", chunk);
            int end = r.findLineEnd(0, 100);
            assertEquals("first line here", new String(r.copy(0, end), StandardCharsets.ISO_8859_1));
            assertEquals('\r', r.byteAt(end));
            r.consume(end + 2);
            assertEquals(17, r.position());
            end = r.findLineEnd(0, 100);
            assertEquals("second one, longer than the sixteen bytes", new String(r.copy(0, end), StandardCharsets.ISO_8859_1));
            r.consume(end + 1);
            assertEquals(DataReader.END, r.findLineEnd(0, 100), "no LF before the end of the stream");
            assertEquals("end", new String(r.copy(0, r.buffered()), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void aLineIsLimitedWithoutItsEnd() throws IOException {
        for (int chunk : new int[] {1, 4, 1000}) {
            assertEquals(10, reader("0123456789\r\n", chunk).findLineEnd(0, 10), "a CR right at the limit, its LF after it");
            assertEquals(10, reader("0123456789\n", chunk).findLineEnd(0, 10));
            assertEquals(DataReader.OVER, reader("0123456789A\n", chunk).findLineEnd(0, 10));
            assertEquals(DataReader.OVER, reader("0123456789A\r\n", chunk).findLineEnd(0, 10));
            assertEquals(DataReader.OVER, reader("0123456789ABCDEFGHIJ", chunk).findLineEnd(0, 10), "no LF yet, over all the same");
            assertEquals(4, reader("head\r\n0123456789A\n", chunk).findLineEnd(0, 4));
            assertEquals(DataReader.OVER, reader("head\r\n0123456789A\n", chunk).findLineEnd(6, 10), "counted from its start");
        }
    }

    @Test
    void indexOfGivesUpOnlyWhenMoreThanTheLimitIsBufferedWithoutIt() throws IOException {
        DataReader r = reader("abcdefgh*", 3);
        assertEquals(DataReader.OVER, r.indexOf((byte) '*', 0, 4));
        DataReader whole = reader("abcdefgh*", 1000);
        assertEquals(8, whole.indexOf((byte) '*', 0, 4), "what one read brought is searched whole");
        assertEquals(DataReader.END, reader("abc", 1).indexOf((byte) '*', 0, 10));
        DataReader skip = reader("abc\ndef\n", 2);
        assertTrue(skip.skipPast((byte) '\n'));
        assertEquals(4, skip.position());
        assertTrue(skip.skipPast((byte) '\n'));
        assertFalse(skip.skipPast((byte) '\n'));
    }

    @Test
    void bodiesComeFromTheBufferFirstThenTheStream() throws IOException {
        byte[] body = new byte[10_000];
        Arrays.fill(body, (byte) 'b');
        byte[] wire = new byte[4 + body.length];
        System.arraycopy("hd\r\n".getBytes(StandardCharsets.US_ASCII), 0, wire, 0, 4);
        System.arraycopy(body, 0, wire, 4, body.length);
        DataReader r = new DataReader(new ByteArrayInputStream(wire), 16);
        assertEquals(2, r.findLineEnd(0, 100));
        r.consume(4);
        int buffered = r.buffered();
        byte[] dst = new byte[body.length];
        assertEquals(buffered, r.read(dst, 0, dst.length), "what is buffered first");
        assertEquals(body.length - buffered, r.read(dst, buffered, dst.length - buffered), "then straight from the stream");
        assertArrayEquals(body, dst);
        assertEquals(wire.length, r.position());
        assertEquals(-1, r.read(dst, 0, 10));

        DataReader s = reader("0123456789abcdef", 5);
        assertTrue(s.skip(12));
        assertEquals("cdef", new String(s.readFully(4, 2), StandardCharsets.US_ASCII));
        assertFalse(reader("0123", 1).skip(5));
        assertThrows(EOFException.class, () -> reader("0123", 1).readFully(5, 2));
    }

    @Test
    void aReleasedReaderHoldsNoBufferUntilTheNextMessage() throws IOException {
        DataReader r = reader("ab\ncd\n", 100);
        r.release();
        assertNull(r.array(), "no buffer before the first message");
        assertTrue(r.await());
        assertEquals(6, r.buffered(), "the first byte, then the rest of what is there");
        r.consume(6);
        r.release();
        assertNull(r.array());
        assertEquals(6, r.position());
        assertFalse(r.await());
    }

    @Test
    void aDeadlineBoundsReadsAndThenTheTimeoutIsPutBack() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket peer = server.accept()) {
            client.setSoTimeout(5000);
            DataReader r = new DataReader(client.getInputStream(), 64, ReadTimeout.of(client));
            OutputStream out = peer.getOutputStream();
            out.write("GET".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            r.deadline(System.nanoTime() + 300_000_000L);
            long start = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> r.findLineEnd(0, 100), "the line never ends");
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMillis >= 250 && waitedMillis < 4000, "waited " + waitedMillis + " ms");
            assertTrue(client.getSoTimeout() <= 300, "the timeout was shortened to the deadline");
            r.noDeadline();
            assertEquals(5000, client.getSoTimeout(), "and put back as it was");

            r.deadline(System.nanoTime() - 1);
            assertThrows(SocketTimeoutException.class, r::fill, "a deadline already past reads nothing");
            r.noDeadline();
            out.write(" /\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals(5, r.findLineEnd(0, 100), "without a deadline the read waits for the line");
        }
    }

    @Test
    void withoutATimeoutADeadlineIsCheckedBetweenReads() throws IOException {
        DataReader r = reader("abc\n", 1);
        r.deadline(System.nanoTime() - 1);
        assertThrows(SocketTimeoutException.class, () -> r.findLineEnd(0, 10));
        r.noDeadline();
        assertEquals(3, r.findLineEnd(0, 10));
    }
}
