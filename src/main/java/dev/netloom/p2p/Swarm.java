package dev.netloom.p2p;

import dev.netloom.p2p.seal.Sha256;
import dev.netloom.p2p.wire.ErrorCode;
import dev.netloom.p2p.wire.Frame;
import dev.netloom.p2p.wire.FrameCodec;
import dev.netloom.p2p.wire.Link;
import dev.netloom.p2p.wire.Manifest;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything about one share (one root hash) in this peer: the manifest once known, the files,
 * which chunks are here, the connections to other peers about it, and, while downloading, which
 * chunk is asked of whom. Chunks are picked rarest first among the first 256 a peer has that
 * nobody is asked for (ties: lowest index), a window of requests kept in flight per peer; when every missing chunk is asked of
 * someone, the rest are asked of more peers too (endgame) and the losers cancelled. Every chunk is
 * hashed before it is written; a peer that sends one that fails is banned for the node's life.
 *
 * <p>One lock guards the state; no I/O is done under it (frames are queued to each link's writer;
 * hashing and disk writes happen on the reader's thread between two holds of the lock).
 */
final class Swarm {

    private static final System.Logger LOG = System.getLogger(Swarm.class.getName());
    /**
     * How many open chunks a pick looks at for the rarest: rarest first among the next few hundred
     * (lowest index first), so a pick costs the same for 64 chunks or 65,536.
     */
    private static final int PICK_SCAN = 256;

    final P2pService node;
    final byte[] root;
    final String rootHex;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<PeerLink> links = new ArrayList<>();
    /** Chunk → the links it is asked of (downloading). */
    private final Map<Integer, Set<PeerLink>> requested = new HashMap<>();
    /** Chunks over MAX_BLOCK being put together from blocks. */
    private final Map<Integer, Assembly> assemblies = new HashMap<>();
    private final LinkedHashSet<PeerLink> waitingForSlot = new LinkedHashSet<>();
    private final CompletableFuture<Manifest> complete = new CompletableFuture<>();
    private final AtomicLong uploaded = new AtomicLong();
    private final AtomicLong downloaded = new AtomicLong();
    private final AtomicLong verifyFailures = new AtomicLong();
    private final Path outDir;
    private final long startedNanos = System.nanoTime();
    private Manifest manifest;
    private Storage storage;
    private List<FileTime> stamps;
    private ResumeState resume;
    private BitSet have = new BitSet();
    private BitSet asked = new BitSet();
    /** Chunks not here (downloading). */
    private final BitSet missing = new BitSet();
    /** Chunks not here and asked of nobody: what {@link #pick} chooses from. */
    private final BitSet open = new BitSet();
    private final BitSet scratch = new BitSet();
    private int[] availability = new int[0];
    private int unchoked;
    private volatile boolean stale;
    private volatile long finishedNanos;

    /** A chunk over {@link FrameCodec#MAX_BLOCK} being filled block by block. */
    private static final class Assembly {
        final byte[] data;
        final BitSet blocks = new BitSet();
        final Set<PeerLink> from = new LinkedHashSet<>();

        Assembly(int length) {
            data = new byte[length];
        }
    }

    private Swarm(P2pService node, byte[] root, String name, Path outDir) {
        this.node = node;
        this.root = root;
        this.rootHex = HexFormat.of().formatHex(root);
        this.name = name;
        this.outDir = outDir;
    }

    /** A complete share: what {@code hashed} describes, read from its files. */
    static Swarm seed(P2pService node, Hasher.Result hashed) throws IOException {
        Manifest m = hashed.manifest();
        Swarm s = new Swarm(node, m.root(), m.name(), null);
        s.storage = Storage.forReading(hashed.paths(), m);
        s.stamps = s.storage.stamps();
        s.setManifest(m);
        s.have.set(0, m.chunks());
        s.finishedNanos = s.startedNanos;
        s.complete.complete(m);
        return s;
    }

    /**
     * A download of {@code link} into {@code dir}: resumed from the state file there when one is
     * left (its chunks hashed again), else waiting for a peer to send the manifest.
     */
    static Swarm download(P2pService node, Link link, Path dir) throws IOException {
        Swarm s = new Swarm(node, link.root(), link.name(), dir);
        ResumeState state = ResumeState.load(dir, link);
        if (state != null) {
            s.lock.lock();
            try {
                s.adopt(state.manifest(), state);
            } finally {
                s.lock.unlock();
            }
        }
        return s;
    }

    /** The share's name: the manifest's, or the link's until the manifest comes. */
    String name() {
        return manifest != null ? manifest.name() : name;
    }

    /** Completes with the manifest when every chunk is here and verified. */
    CompletableFuture<Manifest> completion() {
        return complete;
    }

    boolean downloading() {
        return outDir != null && !complete.isDone();
    }

    /** True once a shared file changed under the share: it is no longer served. */
    boolean stale() {
        return stale;
    }

    // ---- links opening and closing ----

    void opened(PeerLink l) {
        lock.lock();
        try {
            for (PeerLink other : links) {
                if (Arrays.equals(other.peerId, l.peerId)) {
                    l.fail(ErrorCode.BUSY, "already connected to this peer about this share");
                    return;
                }
            }
            links.add(l);
            if (manifest == null) {
                l.send(new Frame.GetManifest());
            } else if (!have.isEmpty()) {
                l.send(new Frame.Bitfield(bitfieldBytes(have, manifest.chunks())));
            }
        } finally {
            lock.unlock();
        }
    }

    void closed(PeerLink l) {
        lock.lock();
        try {
            if (!links.remove(l)) {
                return;
            }
            if (manifest != null) {
                for (int i = l.bits.nextSetBit(0); i >= 0 && i < availability.length; i = l.bits.nextSetBit(i + 1)) {
                    availability[i]--;
                }
            }
            forgetAsked(l);
            waitingForSlot.remove(l);
            if (!l.amChoking) {
                unchoked--;
                unchokeNext();
            }
            links.forEach(this::fill);
        } finally {
            lock.unlock();
        }
    }

    // ---- the manifest ----

    void manifestAsked(PeerLink l) {
        lock.lock();
        try {
            if (manifest != null) {
                l.send(new Frame.ManifestFrame(manifest));
            } // else: it will learn by our BITFIELD once we have one; asking twice is harmless
        } finally {
            lock.unlock();
        }
    }

    void manifestReceived(PeerLink l, Manifest m) throws IOException {
        if (!MessageDigest.isEqual(m.root(), root)) {
            node.ban(l.peerId, "its manifest does not hash to the link's root");
            l.fail(ErrorCode.BAD_DATA, "manifest does not hash to root " + rootHex);
            return;
        }
        lock.lock();
        try {
            if (manifest != null || outDir == null) {
                return;
            }
            adopt(m, null);
            byte[] bits = bitfieldBytes(have, m.chunks());
            for (PeerLink p : links) {
                if (!have.isEmpty()) {
                    p.send(new Frame.Bitfield(bits));
                }
                if (!validBits(p)) {
                    p.fail(ErrorCode.MALFORMED, "BITFIELD or HAVE past the last chunk");
                    continue;
                }
                count(p.bits, 1);
                updateInterest(p);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes {@code m} as the manifest: opens the files, sets up the state (lock held). */
    private void adopt(Manifest m, ResumeState state) throws IOException {
        storage = Storage.forWriting(outDir, m);
        setManifest(m);
        resume = state != null ? state : ResumeState.create(outDir, m);
        if (state != null) {
            have = state.verify(storage, m);
        }
        resetMissing();
        if (have.cardinality() == m.chunks()) {
            finish();
        }
    }

    private void setManifest(Manifest m) {
        manifest = m;
        availability = new int[m.chunks()];
    }

    /** After the manifest and what is here are known: what is missing, and open to ask for. */
    private void resetMissing() {
        missing.clear();
        missing.set(0, manifest.chunks());
        missing.andNot(have);
        open.clear();
        open.or(missing);
        open.andNot(asked);
    }

    private void markAsked(int chunk) {
        asked.set(chunk);
        open.clear(chunk);
    }

    private void unmarkAsked(int chunk) {
        asked.clear(chunk);
        if (missing.get(chunk)) {
            open.set(chunk);
        }
    }

    // ---- what the other side has ----

    void bitfield(PeerLink l, byte[] bytes) {
        lock.lock();
        try {
            if (manifest != null) {
                count(l.bits, -1);
            }
            l.bits.clear();
            l.bits.or(BitSet.valueOf(reverseBits(bytes)));
            if (manifest == null) {
                return; // checked and counted when the manifest comes
            }
            if (bytes.length != (manifest.chunks() + 7) / 8 || !validBits(l)) {
                l.bits.clear();
                l.fail(ErrorCode.MALFORMED, "BITFIELD of " + bytes.length + " bytes for " + manifest.chunks() + " chunks");
                return;
            }
            count(l.bits, 1);
            updateInterest(l);
        } finally {
            lock.unlock();
        }
    }

    void have(PeerLink l, int index) {
        lock.lock();
        try {
            if (index < 0 || (manifest != null && index >= manifest.chunks())) {
                l.fail(ErrorCode.MALFORMED, "HAVE " + Integer.toUnsignedString(index) + " past the last chunk");
                return;
            }
            if (l.bits.get(index)) {
                return;
            }
            l.bits.set(index);
            if (manifest != null) {
                availability[index]++;
                updateInterest(l);
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean validBits(PeerLink l) {
        return l.bits.length() <= manifest.chunks();
    }

    private void count(BitSet bits, int delta) {
        for (int i = bits.nextSetBit(0); i >= 0 && i < availability.length; i = bits.nextSetBit(i + 1)) {
            availability[i] += delta;
        }
    }

    /** Tells {@code l} whether we want something it has, when that changed (lock held). */
    private void updateInterest(PeerLink l) {
        l.seeder = manifest != null && l.bits.cardinality() == manifest.chunks();
        boolean wants = downloading() && wantsFrom(l);
        if (wants != l.amInterested) {
            l.amInterested = wants;
            l.send(wants ? new Frame.Interested() : new Frame.NotInterested());
        }
        if (wants) {
            fill(l);
        }
    }

    private boolean wantsFrom(PeerLink l) {
        return l.bits.intersects(missing);
    }

    // ---- choking: who may download from us ----

    void interest(PeerLink l) {
        lock.lock();
        try {
            if (l.peerInterested && l.amChoking) {
                if (unchoked < node.uploadSlots()) {
                    unchoke(l);
                } else {
                    waitingForSlot.add(l);
                }
            } else if (!l.peerInterested) {
                waitingForSlot.remove(l);
                if (!l.amChoking) {
                    choke(l);
                    unchokeNext();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * When peers wait for an upload slot, the one unchoked longest gives its slot to the first
     * waiting (run every rotation period by the node), so every interested peer gets a turn.
     */
    void rotateSlots() {
        lock.lock();
        try {
            if (waitingForSlot.isEmpty()) {
                return;
            }
            PeerLink longest = null;
            for (PeerLink p : links) {
                if (!p.amChoking && (longest == null || p.unchokedAt < longest.unchokedAt)) {
                    longest = p;
                }
            }
            if (longest != null) {
                choke(longest);
                waitingForSlot.add(longest);
                unchokeNext();
            }
        } finally {
            lock.unlock();
        }
    }

    private void unchoke(PeerLink l) {
        l.amChoking = false;
        l.unchokedAt = System.nanoTime();
        unchoked++;
        l.send(new Frame.Unchoke());
    }

    private void choke(PeerLink l) {
        l.amChoking = true;
        unchoked--;
        l.dropUploads();
        l.send(new Frame.Choke());
    }

    private void unchokeNext() {
        while (unchoked < node.uploadSlots() && !waitingForSlot.isEmpty()) {
            PeerLink next = waitingForSlot.removeFirst();
            if (!next.isClosed() && next.peerInterested && next.amChoking) {
                unchoke(next);
            }
        }
    }

    void choked(PeerLink l) {
        lock.lock();
        try {
            forgetAsked(l);
            links.forEach(this::fill);
        } finally {
            lock.unlock();
        }
    }

    void unchoked(PeerLink l) {
        lock.lock();
        try {
            fill(l);
        } finally {
            lock.unlock();
        }
    }

    // ---- uploading ----

    void requested(PeerLink l, Frame.Request r) {
        lock.lock();
        try {
            if (manifest == null || r.index() < 0 || r.index() >= manifest.chunks() || !have.get(r.index())
                    || r.offset() < 0 || (long) r.offset() + r.length() > manifest.chunkLength(r.index())) {
                l.fail(ErrorCode.BAD_REQUEST, "REQUEST " + r.index() + "/" + r.offset() + "+" + r.length()
                        + " is not a block of a chunk this peer has");
                return;
            }
            if (l.amChoking) {
                return; // a request that crossed our CHOKE: dropped, as the protocol says
            }
        } finally {
            lock.unlock();
        }
        if (!l.queueUpload(r.index(), r.offset(), r.length())) {
            l.fail(ErrorCode.PROTOCOL, "over " + PeerLink.MAX_QUEUED_UPLOADS + " requests waiting");
        }
    }

    /**
     * Reads a block to upload into {@code dst}; false when a shared file changed since it was
     * hashed (the share is then stale: the node hashes it again under a new root).
     */
    boolean readForUpload(int index, int offset, ByteBuffer dst) {
        try {
            if (stamps != null && !storage.stamps().equals(stamps)) {
                markStale();
                return false;
            }
            storage.read(index, offset, dst);
            return true;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "p2p: reading {0} for an upload: {1}", name(), e.getMessage());
            if (stamps != null) {
                markStale();
            }
            return false;
        }
    }

    private void markStale() {
        if (!stale) {
            stale = true;
            node.shareChanged(this);
        }
    }

    void uploaded(int n) {
        uploaded.addAndGet(n);
    }

    // ---- downloading ----

    /** Keeps {@code l}'s window of requests full (lock held). */
    private void fill(PeerLink l) {
        if (manifest == null || l.peerChoking || !downloading() || l.isClosed() || !l.amInterested) {
            return;
        }
        int blocksPerChunk = Math.max(1, manifest.chunkSize() / FrameCodec.MAX_BLOCK);
        while (l.inflight() < node.window() * blocksPerChunk) {
            int chunk = pick(l);
            if (chunk < 0) {
                return;
            }
            markAsked(chunk);
            requested.computeIfAbsent(chunk, k -> new LinkedHashSet<>()).add(l);
            int length = manifest.chunkLength(chunk);
            for (int off = 0; off < length; off += FrameCodec.MAX_BLOCK) {
                int len = Math.min(FrameCodec.MAX_BLOCK, length - off);
                l.asked.add(key(chunk, off));
                l.send(new Frame.Request(chunk, off, len));
            }
        }
    }

    /** The next chunk to ask {@code l} for, or -1 (lock held). */
    private int pick(PeerLink l) {
        int best = -1;
        int bestAvailability = Integer.MAX_VALUE;
        scratch.clear();
        scratch.or(l.bits);
        scratch.and(open);
        int seen = 0;
        for (int i = scratch.nextSetBit(0); i >= 0 && seen < PICK_SCAN; i = scratch.nextSetBit(i + 1), seen++) {
            if (availability[i] < bestAvailability) {
                best = i;
                bestAvailability = availability[i];
                if (bestAvailability <= 1) {
                    break; // none rarer
                }
            }
        }
        if (best >= 0) {
            return best;
        }
        // endgame: every missing chunk it has is asked of someone; ask it too, the least-asked first
        int fewest = Integer.MAX_VALUE;
        for (int i = l.bits.nextSetBit(0); i >= 0 && i < availability.length; i = l.bits.nextSetBit(i + 1)) {
            if (have.get(i)) {
                continue;
            }
            Set<PeerLink> by = requested.get(i);
            int n = by == null ? 0 : by.size();
            if ((by == null || !by.contains(l)) && n < fewest) {
                best = i;
                fewest = n;
            }
        }
        return best;
    }

    void piece(PeerLink l, Frame.Piece p) throws IOException {
        ByteBuffer chunk; // what is hashed and written
        lock.lock();
        try {
            if (manifest == null || !l.asked.remove(key(p.index(), p.offset()))) {
                return; // not asked, or cancelled after it was sent: ignored
            }
            if (have.get(p.index())) {
                fill(l);
                return; // endgame: another peer's came first
            }
            int chunkLength = manifest.chunkLength(p.index());
            if (p.offset() + p.length() > chunkLength) {
                l.fail(ErrorCode.BAD_DATA, "PIECE past the end of chunk " + p.index());
                return;
            }
            if (p.offset() == 0 && p.length() == chunkLength) {
                chunk = p.data().duplicate();
            } else {
                Assembly a = assemblies.computeIfAbsent(p.index(), k -> new Assembly(chunkLength));
                p.data().get(p.data().position(), a.data, p.offset(), p.length());
                a.blocks.set(p.offset() / FrameCodec.MAX_BLOCK);
                a.from.add(l);
                if (a.blocks.cardinality() * (long) FrameCodec.MAX_BLOCK < chunkLength) {
                    return;
                }
                assemblies.remove(p.index());
                chunk = ByteBuffer.wrap(a.data, 0, chunkLength);
            }
        } finally {
            lock.unlock();
        }
        // hashed and written from a direct buffer (libcrypto and the kernel take it as it is): a
        // whole chunk from sealed records is one already, the record's plaintext
        if (!chunk.isDirect()) {
            chunk = l.chunkBuffer(chunk.remaining()).put(chunk).flip();
        }
        int length = chunk.remaining();
        if (!manifest.chunkMatches(p.index(), Sha256.digest(chunk))) {
            verifyFailures.incrementAndGet();
            node.ban(l.peerId, "it sent chunk " + p.index() + " of " + name() + " with the wrong hash");
            l.fail(ErrorCode.BAD_DATA, "chunk " + p.index() + " failed its SHA-256");
            lock.lock();
            try {
                Set<PeerLink> by = requested.get(p.index());
                if (by != null && by.remove(l) && by.isEmpty()) {
                    requested.remove(p.index());
                    unmarkAsked(p.index()); // asked of someone else
                }
                forgetAsked(l);
            } finally {
                lock.unlock();
            }
            return;
        }
        try {
            storage.write(p.index(), chunk);
        } catch (IOException e) {
            // a full or failing disk: the download cannot go on, and says why (p2p get exits 1 with it)
            LOG.log(Level.WARNING, "p2p: writing chunk {0} of {1}: {2}", p.index(), name(), e.getMessage());
            complete.completeExceptionally(new IOException("cannot write " + name() + ": " + e.getMessage(), e));
            l.fail(ErrorCode.INTERNAL, "the downloader cannot write");
            return;
        }
        downloaded.addAndGet(length);
        lock.lock();
        try {
            stored(p.index(), l);
        } finally {
            lock.unlock();
        }
    }

    /** Chunk {@code index} is verified and written: tell everyone, cancel the endgame's duplicates. */
    private void stored(int index, PeerLink from) throws IOException {
        if (have.get(index)) {
            return;
        }
        have.set(index);
        asked.clear(index);
        missing.clear(index);
        open.clear(index);
        Set<PeerLink> by = requested.remove(index);
        if (by != null) {
            int length = manifest.chunkLength(index);
            for (PeerLink other : by) {
                if (other != from) {
                    for (int off = 0; off < length; off += FrameCodec.MAX_BLOCK) {
                        if (other.asked.remove(key(index, off))) {
                            other.send(new Frame.Cancel(index, off, Math.min(FrameCodec.MAX_BLOCK, length - off)));
                        }
                    }
                }
            }
        }
        for (PeerLink p : links) {
            if (!p.seeder) {
                p.send(new Frame.Have(index));
            }
        }
        resume.stored(index, have);
        if (have.cardinality() == manifest.chunks()) {
            finish();
        }
        for (PeerLink p : links) {
            if (p.amInterested && !wantsFrom(p)) {
                p.amInterested = false;
                p.send(new Frame.NotInterested());
            } else {
                fill(p);
            }
        }
    }

    private void finish() throws IOException {
        storage.force();
        resume.delete();
        finishedNanos = System.nanoTime();
        LOG.log(Level.INFO, "p2p: {0} complete and verified ({1} bytes)", name(), manifest.size());
        complete.complete(manifest);
        node.completed(this);
    }

    /** What was asked of {@code l} goes back to the pool, to be asked of others (lock held). */
    private void forgetAsked(PeerLink l) {
        for (long k : l.drainAsked()) {
            int chunk = (int) (k >>> 32);
            Set<PeerLink> by = requested.get(chunk);
            if (by != null) {
                by.remove(l);
                if (by.isEmpty()) {
                    requested.remove(chunk);
                    unmarkAsked(chunk);
                    assemblies.remove(chunk);
                }
            }
        }
    }

    private static long key(int chunk, int offset) {
        return ((long) chunk << 32) | (offset & 0xFFFFFFFFL);
    }

    /** A BitSet as the wire's bitfield: chunk 0 is the most significant bit of the first byte. */
    static byte[] bitfieldBytes(BitSet bits, int chunks) {
        byte[] out = new byte[(chunks + 7) / 8];
        for (int i = bits.nextSetBit(0); i >= 0 && i < chunks; i = bits.nextSetBit(i + 1)) {
            out[i >>> 3] |= (byte) (0x80 >>> (i & 7));
        }
        return out;
    }

    /** The wire's bit order (most significant first) to BitSet.valueOf's (least significant first). */
    private static byte[] reverseBits(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = (byte) (Integer.reverse(bytes[i] & 0xFF) >>> 24);
        }
        return out;
    }

    // ---- what the shell shows ----

    ShareStatus status() {
        lock.lock();
        try {
            long size = manifest == null ? 0 : manifest.size();
            long haveBytes = 0;
            if (manifest != null) {
                for (int i = have.nextSetBit(0); i >= 0 && i < manifest.chunks(); i = have.nextSetBit(i + 1)) {
                    haveBytes += manifest.chunkLength(i);
                }
            }
            long end = finishedNanos != 0 ? finishedNanos : System.nanoTime();
            String role = stale ? "stale" : complete.isDone() ? "seeding" : manifest == null ? "finding" : "downloading";
            List<String> lines = new ArrayList<>();
            Map<String, Integer> via = new TreeMap<>();
            for (PeerLink p : links) {
                if (p.bytesDown() > 0) {
                    via.merge(p.via(), 1, Integer::sum);
                }
                lines.add(p.shortId() + " " + p.remote + " (" + p.via() + ")" + (p.seeder ? " seed" : "") + (p.amChoking ? "" : " unchoked")
                        + (p.peerChoking ? "" : " unchoking-us") + " down " + p.bytesDown() + " up " + p.bytesUp());
            }
            return new ShareStatus(name(), rootHex, role, size, haveBytes, links.size(), downloaded.get(), uploaded.get(),
                    (end - startedNanos) / 1e9, verifyFailures.get(), via, lines);
        } finally {
            lock.unlock();
        }
    }

    /** The connections now (a copy). */
    List<PeerLink> links() {
        lock.lock();
        try {
            return List.copyOf(links);
        } finally {
            lock.unlock();
        }
    }

    /** True when {@code peerId} is connected about this share. */
    boolean connectedTo(byte[] peerId) {
        lock.lock();
        try {
            return links.stream().anyMatch(l -> Arrays.equals(l.peerId, peerId));
        } finally {
            lock.unlock();
        }
    }

    /** Ends every connection with ERROR INTERNAL saying {@code why}, and closes the files. */
    void close(String why) {
        for (PeerLink l : links()) {
            l.fail(ErrorCode.INTERNAL, why);
        }
        lock.lock();
        try {
            if (storage != null) {
                storage.close();
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "p2p: closing {0}: {1}", name(), e.getMessage());
        } finally {
            lock.unlock();
        }
        lock.lock();
        try {
            if (resume != null) {
                resume.flush();
            }
        } finally {
            lock.unlock();
        }
    }
}
