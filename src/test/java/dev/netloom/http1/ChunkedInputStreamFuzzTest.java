package dev.netloom.http1;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes as a chunked body: the decoder ends, or fails with ProtocolException or
 * EOFException only, and never yields more bytes than it was given. The same bytes as content,
 * chunked in pieces of any size (with or without extensions and trailers): they decode to
 * themselves, and what follows the body is left unread.
 */
class ChunkedInputStreamFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void decodesOrFailsCleanly(FuzzedDataProvider data) throws IOException {
        int piece = data.consumeInt(1, 64);
        boolean decorate = data.consumeBoolean();
        byte[] raw = data.consumeRemainingAsBytes();

        try {
            byte[] out = new ChunkedInputStream(new ByteArrayInputStream(raw), 64, 256).readAllBytes();
            assertTrue(out.length <= raw.length, "more bytes out than in");
        } catch (ProtocolException | EOFException expected) {
            // malformed or cut short: both are answers
        }

        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int off = 0; off < raw.length; off += piece) {
            int n = Math.min(piece, raw.length - off);
            wire.writeBytes((Integer.toHexString(n) + (decorate ? " ; ext=\"v\"" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
            wire.write(raw, off, n);
            wire.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        wire.writeBytes((decorate ? "0;last\r\nX-Trailer: 1\r\n\r\n" : "0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        wire.writeBytes("NEXT".getBytes(StandardCharsets.US_ASCII));
        ByteArrayInputStream in = new ByteArrayInputStream(wire.toByteArray());
        assertArrayEquals(raw, new ChunkedInputStream(in).readAllBytes());
        assertEquals("NEXT", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    }
}
