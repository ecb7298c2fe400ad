package dev.netloom.p2p;

import dev.netloom.p2p.wire.Frame;
import dev.netloom.p2p.wire.Link;
import dev.netloom.p2p.wire.Manifest;
import dev.netloom.p2p.wire.WireException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.BitSet;

/*
 * A download's state file, .NAME.netloom-part in the download directory, rewritten whole (to a
 * temporary file, then renamed over) at most twice a second while chunks come, and deleted when
 * the download completes:
 *
 *   8 bytes  "NLP2PART"
 *   u32      manifest length, then the manifest's canonical bytes (Manifest)
 *   bitfield the chunks written, most significant bit first, ceil(chunks / 8) bytes
 *
 * The data is not forced to disk before the state names it: a resumed download hashes every chunk
 * the state names again, and asks again for those that fail.
 */

/** What a download has, kept on disk so that an interrupted download resumes where it was. */
final class ResumeState {

    private static final byte[] MAGIC = {'N', 'L', 'P', '2', 'P', 'A', 'R', 'T'};
    private static final long WRITE_EVERY_NANOS = 500_000_000L;
    private static final System.Logger LOG = System.getLogger(ResumeState.class.getName());

    private final Path file;
    private final Manifest manifest;
    private final byte[] manifestBytes;
    private BitSet saved = new BitSet();
    private BitSet pending;
    private long lastWrite;

    private ResumeState(Path file, Manifest manifest) {
        this.file = file;
        this.manifest = manifest;
        this.manifestBytes = manifest.encode();
    }

    static Path fileFor(Path dir, String name) {
        return dir.resolve("." + name + ".netloom-part");
    }

    /** A fresh state for {@code m} in {@code dir} (nothing written until a chunk is). */
    static ResumeState create(Path dir, Manifest m) {
        return new ResumeState(fileFor(dir, m.name()), m);
    }

    /**
     * The state left in {@code dir} for {@code link}, or null when there is none (or it is for
     * another root, or unreadable: then it is ignored, and logged).
     */
    static ResumeState load(Path dir, Link link) {
        Path f = fileFor(dir, link.name());
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f));
            byte[] magic = new byte[MAGIC.length];
            b.get(magic);
            if (!MessageDigest.isEqual(magic, MAGIC)) {
                throw new IOException("not a netloom download state");
            }
            int length = b.getInt();
            if (length < 0 || length > b.remaining()) {
                throw new IOException("cut short");
            }
            Manifest m = Manifest.decode(b.slice(b.position(), length));
            b.position(b.position() + length);
            if (!MessageDigest.isEqual(m.root(), link.root())) {
                LOG.log(Level.INFO, "p2p: {0} is for another root; starting over", f);
                return null;
            }
            byte[] bits = new byte[(m.chunks() + 7) / 8];
            b.get(bits);
            ResumeState s = new ResumeState(f, m);
            for (int i = 0; i < m.chunks(); i++) {
                if ((bits[i >>> 3] & (0x80 >>> (i & 7))) != 0) {
                    s.saved.set(i);
                }
            }
            return s;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "p2p: ignoring download state {0}: {1}", f,
                    e instanceof WireException ? e.getMessage() : e.toString());
            return null;
        }
    }

    Manifest manifest() {
        return manifest;
    }

    /** The chunks the state names that hash right in {@code storage} now (the others are fetched again). */
    BitSet verify(Storage storage, Manifest m) throws IOException {
        byte[] hashes = new byte[m.chunks() * Frame.ID_LENGTH];
        Hasher.hashChunks(storage, m, saved, hashes);
        BitSet good = new BitSet();
        byte[] one = new byte[Frame.ID_LENGTH];
        for (int i = saved.nextSetBit(0); i >= 0; i = saved.nextSetBit(i + 1)) {
            System.arraycopy(hashes, i * Frame.ID_LENGTH, one, 0, one.length);
            if (m.chunkMatches(i, one)) {
                good.set(i);
            }
        }
        if (good.cardinality() != saved.cardinality()) {
            LOG.log(Level.INFO, "p2p: resuming {0}: {1} of {2} chunks named in the state failed their hash and are"
                    + " fetched again", m.name(), saved.cardinality() - good.cardinality(), saved.cardinality());
        }
        saved = good;
        return (BitSet) good.clone();
    }

    /** Chunk {@code index} is written; {@code have} is every chunk here now. Writes the state when due. */
    void stored(int index, BitSet have) {
        pending = have;
        long now = System.nanoTime();
        if (now - lastWrite >= WRITE_EVERY_NANOS) {
            flush();
            lastWrite = now;
        }
    }

    /** Writes the state now, if anything changed. */
    void flush() {
        BitSet have = pending;
        if (have == null || have.equals(saved) || !Files.isDirectory(file.getParent())) {
            return;
        }
        byte[] bits = Swarm.bitfieldBytes(have, manifest.chunks());
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + manifestBytes.length + bits.length);
        b.put(MAGIC).putInt(manifestBytes.length).put(manifestBytes).put(bits);
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, b.array());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            saved = (BitSet) have.clone();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "p2p: cannot write download state {0}: {1}", file, e.getMessage());
        }
    }

    /** The download completed: the state goes. */
    void delete() {
        pending = null;
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "p2p: cannot delete {0}: {1}", file, e.getMessage());
        }
    }
}
