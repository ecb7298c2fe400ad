package dev.netloom.p2p.seal;

import dev.netloom.p2p.wire.Frame;
import dev.netloom.p2p.wire.FrameCodec;
import dev.netloom.p2p.wire.FrameReader;
import dev.netloom.p2p.wire.FrameWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sealed records (docs/protocol.md, "Sealed records"): libcrypto's and the JDK's AES-GCM write
 * the same bytes and open each other's; any change to a record, a replay, a wrong key or a
 * length out of range is refused; the stream survives every split of writes; SHA-256 agrees.
 */
class SealedStreamsTest {

    private static final byte[] KEY = new byte[32];
    private static final byte[] OTHER = new byte[32];

    static {
        Arrays.fill(OTHER, (byte) 7);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes {@code data} in pieces of the sizes {@code cuts} cycles through, flushing after each third. */
    private static byte[] seal(byte[] data, boolean useNative, int... cuts) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        SealedOutputStream out = new SealedOutputStream(wire, RecordCipher.of(KEY, true, useNative));
        int i = 0;
        for (int at = 0; at < data.length; i++) {
            int n = Math.min(cuts[i % cuts.length], data.length - at);
            if (n == 1) {
                out.write(data[at]);
            } else {
                out.write(data, at, n);
            }
            at += n;
            if (i % 3 == 2) {
                out.flush();
            }
        }
        out.flush();
        return wire.toByteArray();
    }

    private static byte[] open(byte[] wire, boolean useNative) throws IOException {
        try (InputStream in = new SealedInputStream(new ByteArrayInputStream(wire), RecordCipher.of(KEY, false, useNative))) {
            return in.readAllBytes();
        }
    }

    @Test
    void libcryptoLoadsOnThisMachine() {
        // the bench and the speed depend on it; CI's machine has OpenSSL 3 (the JDK path is tested below too)
        assertTrue(Libcrypto.AVAILABLE, "libcrypto did not load: is OpenSSL's libcrypto.so.3 installed?");
        assertEquals("libcrypto", RecordCipher.of(KEY, true).provider());
    }

    @Test
    void bothImplementationsWriteTheSameRecordsAndOpenEachOthers() throws IOException {
        byte[] data = random(3_000_000, 1);
        int[] cuts = {1, 13, 262_157, 70_000, 5, 65_536, 1_000_000};
        byte[] viaNative = seal(data, true, cuts);
        byte[] viaJdk = seal(data, false, cuts);
        assertArrayEquals(viaJdk, viaNative, "same key, same sequence numbers: the same bytes");
        assertArrayEquals(data, open(viaNative, false));
        assertArrayEquals(data, open(viaJdk, true));
        assertTrue(viaNative.length > data.length, "sealed, with lengths and tags");
    }

    @Test
    void aBigWriteIsOneRecordAndSmallOnesGatherUntilAFlush() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        SealedOutputStream out = new SealedOutputStream(wire, RecordCipher.of(KEY, true));
        out.write(new byte[9]);
        out.write(new byte[13]);
        out.write(new byte[262_157]); // a 256 KiB PIECE frame
        out.write(new byte[17]);
        out.flush();
        assertEquals(3, out.records(), "the two small writes, the PIECE, the last small one");
        assertEquals(4 + 22 + 16 + 4 + 262_157 + 16 + 4 + 17 + 16, wire.size());
        assertEquals(22 + 16, ByteBuffer.wrap(wire.toByteArray()).getInt(), "the first record's length");
    }

    @Test
    void everyChangedByteIsCaughtAndReplaysAndWrongKeysToo() throws IOException {
        byte[] data = random(5_000, 2);
        for (boolean useNative : new boolean[] {true, false}) {
            byte[] wire = seal(data, true, 1000);
            for (int at : new int[] {4, 20, 4 + 1000 + 15, wire.length - 1}) {
                byte[] bad = wire.clone();
                bad[at] ^= 0x40;
                IOException e = assertThrows(IOException.class, () -> open(bad, useNative), "byte " + at);
                assertTrue(e.getMessage().contains("failed its check"), e.getMessage());
            }
            byte[] first = Arrays.copyOf(wire, 4 + 3000 + 16);
            byte[] replayed = ByteBuffer.allocate(first.length * 2).put(first).put(first).array();
            assertThrows(IOException.class, () -> open(replayed, useNative), "record 0 again as record 1");
            try (InputStream in = new SealedInputStream(new ByteArrayInputStream(wire), RecordCipher.of(OTHER, false, useNative))) {
                assertThrows(IOException.class, in::read, "another key");
            }
        }
    }

    @Test
    void lengthsOutOfRangeAndCutRecordsAreRefusedBeforeAnythingIsAllocated() {
        byte[] huge = ByteBuffer.allocate(8).putInt(SealedOutputStream.MAX_RECORD + 17).array();
        IOException e = assertThrows(IOException.class, () -> open(huge, true));
        assertTrue(e.getMessage().contains("sealed record length"), e.getMessage());
        byte[] small = ByteBuffer.allocate(8).putInt(15).array();
        assertThrows(IOException.class, () -> open(small, true));
        assertThrows(IOException.class, () -> open(new byte[] {0, 0}, true), "the stream ends inside a length");
        assertThrows(IOException.class, () -> open(new byte[] {0, 0, 0, 40, 1, 2}, true), "inside a record");
    }

    @Test
    void aChannelGetsTheSameRecordsAndIsReadAfterWhatWasReadAhead() throws IOException {
        byte[] data = random(700_000, 11);
        byte[] viaStream = seal(data, true, 300_000, 5, 70_000);
        for (boolean useNative : new boolean[] {true, false}) {
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            SealedOutputStream out = new SealedOutputStream(OutputStream.nullOutputStream(), record -> {
                byte[] b = new byte[record.remaining()];
                record.get(b);
                wire.write(b, 0, b.length);
            }, RecordCipher.of(KEY, true, useNative));
            int i = 0;
            for (int at = 0, n; at < data.length; at += n, i++) { // the cuts of seal(data, ..., 300_000, 5, 70_000)
                n = Math.min(new int[] {300_000, 5, 70_000}[i % 3], data.length - at);
                if (n == 1) {
                    out.write(data[at]);
                } else {
                    out.write(data, at, n);
                }
                if (i % 3 == 2) {
                    out.flush();
                }
            }
            out.flush();
            assertArrayEquals(viaStream, wire.toByteArray(), "records through a sink, " + (useNative ? "libcrypto" : "JDK"));
            for (int ahead : new int[] {0, 3, 4, 100, 300_050}) {
                byte[] first = Arrays.copyOf(viaStream, ahead);
                ReadableByteChannel rest = Channels.newChannel(
                        new ByteArrayInputStream(viaStream, ahead, viaStream.length - ahead));
                try (InputStream in = new SealedInputStream(first, rest, RecordCipher.of(KEY, false, useNative))) {
                    assertArrayEquals(data, in.readAllBytes(), ahead + " bytes read ahead");
                }
            }
        }
    }

    @Test
    void aPieceFromADirectBufferIsSealedWhereItLiesAndReadBackAsAView() throws IOException {
        byte[] data = random(256 * 1024, 12);
        for (boolean useNative : new boolean[] {true, false}) {
            ByteBuffer frame = ByteBuffer.allocateDirect(7 + FrameCodec.PIECE_HEADER + data.length);
            frame.position(7 + FrameCodec.PIECE_HEADER);
            frame.put(data).position(7); // the frame starts at 7: the header goes there
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            SealedOutputStream out = new SealedOutputStream(wire, RecordCipher.of(KEY, true, useNative));
            FrameWriter w = new FrameWriter(out);
            w.send(new Frame.Have(3));
            w.writePiece(9, 0, frame, data.length);
            w.flush();
            FrameReader r = new FrameReader(new SealedInputStream(new ByteArrayInputStream(wire.toByteArray()),
                    RecordCipher.of(KEY, false, useNative)));
            assertEquals("HAVE index=3", r.read().describe());
            Frame.Piece p = (Frame.Piece) r.read();
            assertEquals(9, p.index());
            assertEquals(ByteBuffer.wrap(data), p.data(), useNative ? "libcrypto" : "JDK");
            assertTrue(p.data().isDirect(), "decoded in the record's plaintext");
            assertEquals(7, frame.position(), "the caller's buffer is left where it was");
        }
    }

    @Test
    void anEmptyStreamAndAnEmptyRecordAreFine() throws Exception {
        assertEquals(0, open(new byte[0], true).length);
        byte[] record = new byte[4 + 16];
        ByteBuffer.wrap(record).putInt(16);
        RecordCipher.of(KEY, true).seal(0, Arrays.copyOf(record, 4), ByteBuffer.allocate(0), ByteBuffer.wrap(record, 4, 16));
        assertEquals(0, open(record, true).length, "a record of no plaintext is skipped");
    }

    @Test
    void keysDifferPerDirectionAndDependOnBothSecretsAndIds() {
        byte[] a = random(32, 3);
        byte[] b = random(32, 4);
        byte[] d = random(32, 5);
        byte[] l = random(32, 6);
        SealKeys k = SealKeys.derive(a, b, d, l);
        assertEquals(32, k.diallerToListener().length);
        assertTrue(!Arrays.equals(k.diallerToListener(), k.listenerToDialler()));
        assertArrayEquals(k.writeKey(true), k.readKey(false), "what the dialler writes, the listener reads");
        assertTrue(!Arrays.equals(k.diallerToListener(), SealKeys.derive(b, a, d, l).diallerToListener()));
        assertTrue(!Arrays.equals(k.diallerToListener(), SealKeys.derive(a, b, l, d).diallerToListener()));
    }

    @Test
    void sha256AgreesWithTheJdk() throws Exception {
        byte[] data = random(300_000, 7);
        byte[] want = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOfRange(data, 13, 13 + 262_144));
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).position(13).limit(13 + 262_144);
        for (boolean useNative : new boolean[] {true, false}) {
            assertArrayEquals(want, Sha256.digest(ByteBuffer.wrap(data, 13, 262_144), useNative), "heap " + useNative);
            assertArrayEquals(want, Sha256.digest(ByteBuffer.wrap(data, 13, 262_144).slice(), useNative), "slice " + useNative);
            assertArrayEquals(want, Sha256.digest(direct, useNative), "direct " + useNative);
            assertEquals(13, direct.position(), "the position is left where it was");
        }
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(new byte[0]), Sha256.digest(ByteBuffer.wrap(data, 5, 0), true));
    }
}
