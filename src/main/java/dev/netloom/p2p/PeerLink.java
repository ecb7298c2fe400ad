package dev.netloom.p2p;

import dev.netloom.p2p.wire.ErrorCode;
import dev.netloom.p2p.wire.Frame;
import dev.netloom.p2p.wire.FrameCodec;
import dev.netloom.p2p.wire.FrameReader;
import dev.netloom.p2p.wire.FrameWriter;
import dev.netloom.p2p.wire.WireException;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open connection to another peer about one share, after TLS and the HELLOs: its reader
 * (the thread that calls {@link #run}) hands each frame to the {@link Swarm}, and a writer thread
 * of its own sends what is queued, so that a reader never waits on a write (two peers uploading
 * to each other over one connection would otherwise block each other, each writing while neither
 * reads). Uploads are queued as requests and read from disk by the writer, into the frame it
 * sends. The flags are the four of the protocol's state: am I choking it, is it choking me, and
 * who is interested.
 */
final class PeerLink {

    /** Requests a peer may have waiting here; more is a PROTOCOL error. */
    static final int MAX_QUEUED_UPLOADS = 256;
    private static final System.Logger LOG = System.getLogger(PeerLink.class.getName());

    final Swarm swarm;
    final byte[] peerId;
    final String remote;
    /** Which chunks it has (guarded by the swarm's lock). */
    final BitSet bits = new BitSet();
    /** Blocks asked of it and not yet received: chunk index << 32 | offset (guarded by the swarm's lock). */
    final Set<Long> asked = new HashSet<>();
    boolean amChoking = true;
    boolean amInterested;
    volatile boolean peerChoking = true;
    volatile boolean peerInterested;
    boolean seeder;
    long unchokedAt;

    private final FrameReader reader;
    private final FrameWriter writer;
    private final Closeable transport;
    private final ReentrantLock outLock = new ReentrantLock();
    private final Condition outReady = outLock.newCondition();
    private final ArrayDeque<Object> outbox = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** An ERROR is queued: nothing more is, and the writer closes after it (guarded by outLock). */
    private volatile boolean failing;
    private volatile long lastHeard = System.nanoTime();
    private long bytesDown;
    private long bytesUp;
    /** Where a received chunk is hashed and written from (the reading thread's alone). */
    private ByteBuffer chunkBuffer;

    /** An upload waiting for the writer. */
    private record Upload(int index, int offset, int length) {
    }

    PeerLink(Swarm swarm, byte[] peerId, String remote, InputStream in, OutputStream out, Closeable transport) {
        this.swarm = swarm;
        this.peerId = peerId;
        this.remote = remote;
        this.reader = new FrameReader(in);
        this.writer = new FrameWriter(out);
        this.transport = transport;
    }

    /** An empty direct buffer of at least {@code length} bytes, limited to {@code length}; reused by the reading thread. */
    ByteBuffer chunkBuffer(int length) {
        if (chunkBuffer == null || chunkBuffer.capacity() < length) {
            chunkBuffer = ByteBuffer.allocateDirect(length);
        }
        return chunkBuffer.clear().limit(length);
    }

    /** How the connection was made: direct (dialled or accepted), punched, or relay. */
    String via() {
        return remote.startsWith("punched ") ? "punched" : remote.startsWith("relay ") ? "relay" : "direct";
    }

    /** The peer's id in hex, shortened to 16 digits as the shell shows it. */
    String shortId() {
        return HexFormat.of().formatHex(peerId, 0, 8);
    }

    /**
     * Serves the connection until it ends: starts the writer, tells the swarm, reads frames.
     * Returns when the connection is closed, by either side or for an error (which is sent first).
     */
    void run() {
        Thread w = Thread.ofVirtual().name("p2p-write-" + shortId()).start(this::writeLoop);
        try {
            swarm.opened(this);
            while (!closed.get()) {
                Frame f = reader.read();
                if (f == null) {
                    break;
                }
                lastHeard = System.nanoTime();
                if (f instanceof Frame.Piece p) {
                    bytesDown += p.length();
                }
                handle(f);
            }
        } catch (WireException e) {
            LOG.log(Level.DEBUG, "p2p: {0} broke the protocol: {1}", remote, e.getMessage());
            fail(e.code(), e.getMessage());
        } catch (SocketTimeoutException e) {
            fail(ErrorCode.TIMEOUT, "nothing heard for too long");
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "p2p: {0}: {1}", remote, e.getMessage());
        } finally {
            if (failing) {
                try {
                    w.join(1000); // the ERROR being sent gets a moment
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            close();
            swarm.closed(this);
        }
    }

    private void handle(Frame f) throws IOException {
        switch (f) {
            case Frame.Ping p -> send(new Frame.Pong(p.nonce()));
            case Frame.Pong p -> { } // lastHeard is all it is for
            case Frame.ErrorFrame e -> {
                LOG.log(Level.DEBUG, "p2p: {0} sent {1}", remote, e.describe());
                close();
            }
            case Frame.GetManifest g -> swarm.manifestAsked(this);
            case Frame.ManifestFrame m -> swarm.manifestReceived(this, m.manifest());
            case Frame.Bitfield b -> swarm.bitfield(this, b.bits());
            case Frame.Have h -> swarm.have(this, h.index());
            case Frame.Interested i -> {
                peerInterested = true;
                swarm.interest(this);
            }
            case Frame.NotInterested n -> {
                peerInterested = false;
                swarm.interest(this);
            }
            case Frame.Choke c -> {
                peerChoking = true;
                swarm.choked(this);
            }
            case Frame.Unchoke u -> {
                peerChoking = false;
                swarm.unchoked(this);
            }
            case Frame.Request r -> swarm.requested(this, r);
            case Frame.Cancel c -> cancelUpload(c.index(), c.offset(), c.length());
            case Frame.Piece p -> swarm.piece(this, p);
            default -> throw new WireException(ErrorCode.PROTOCOL, Frame.typeName(f.type()) + " on a peer connection");
        }
    }

    /** Queues {@code f} for the writer. */
    void send(Frame f) {
        enqueue(f);
    }

    /** Queues an upload; false when the peer already has {@link #MAX_QUEUED_UPLOADS} waiting. */
    boolean queueUpload(int index, int offset, int length) {
        outLock.lock();
        try {
            long uploads = outbox.stream().filter(o -> o instanceof Upload).count();
            if (uploads >= MAX_QUEUED_UPLOADS) {
                return false;
            }
        } finally {
            outLock.unlock();
        }
        enqueue(new Upload(index, offset, length));
        return true;
    }

    /** Drops queued uploads (we choked the peer: what it asked for is forgotten, as the protocol says). */
    void dropUploads() {
        outLock.lock();
        try {
            outbox.removeIf(o -> o instanceof Upload);
        } finally {
            outLock.unlock();
        }
    }

    private void cancelUpload(int index, int offset, int length) {
        outLock.lock();
        try {
            outbox.remove(new Upload(index, offset, length));
        } finally {
            outLock.unlock();
        }
    }

    private void enqueue(Object o) {
        outLock.lock();
        try {
            if (!closed.get() && !failing) {
                outbox.add(o);
                outReady.signal();
            }
        } finally {
            outLock.unlock();
        }
    }

    private void writeLoop() {
        // direct: the file is read into it by the kernel and sealed from it by libcrypto
        ByteBuffer frame = ByteBuffer.allocateDirect(0);
        try {
            while (true) {
                Object next;
                boolean last;
                outLock.lock();
                try {
                    while (outbox.isEmpty() && !closed.get()) {
                        outReady.await();
                    }
                    next = outbox.poll();
                    last = outbox.isEmpty();
                } finally {
                    outLock.unlock();
                }
                if (next == null) {
                    return; // closed, everything queued before it sent
                }
                if (next instanceof Upload u) {
                    if (frame.capacity() < FrameCodec.PIECE_HEADER + u.length()) {
                        frame = ByteBuffer.allocateDirect(FrameCodec.PIECE_HEADER + u.length());
                    }
                    frame.clear().limit(FrameCodec.PIECE_HEADER + u.length()).position(FrameCodec.PIECE_HEADER);
                    if (!swarm.readForUpload(u.index(), u.offset(), frame)) {
                        fail(ErrorCode.INTERNAL, "cannot read chunk " + u.index() + " (the shared file changed)");
                        continue; // the ERROR is next in the queue
                    }
                    writer.writePiece(u.index(), u.offset(), frame.position(0), u.length());
                    bytesUp += u.length();
                    swarm.uploaded(u.length());
                } else if (next instanceof Frame.ErrorFrame e) {
                    writer.send(e);
                    close();
                    return;
                } else {
                    writer.write((Frame) next);
                }
                if (last) {
                    writer.flush();
                }
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "p2p: writing to {0}: {1}", remote, e.getMessage());
            close();
        } catch (InterruptedException e) {
            close();
        }
    }

    /**
     * Ends the connection with ERROR {@code code}: what was queued is dropped, the writer sends the
     * ERROR and closes. From any thread; the first failure wins.
     */
    void fail(ErrorCode code, String message) {
        outLock.lock();
        try {
            if (closed.get() || failing) {
                return;
            }
            failing = true;
            outbox.clear();
            outbox.add(new Frame.ErrorFrame(code, message));
            outReady.signal();
        } finally {
            outLock.unlock();
        }
    }

    /** Closes the connection; the reader and writer end. Idempotent. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            outLock.lock();
            try {
                outReady.signalAll();
            } finally {
                outLock.unlock();
            }
            try {
                transport.close();
            } catch (IOException ignored) {
                // closing a socket that failed: nothing to add
            }
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Nanoseconds since a frame last came. */
    long quietNanos() {
        return System.nanoTime() - lastHeard;
    }

    long bytesDown() {
        return bytesDown;
    }

    long bytesUp() {
        return bytesUp;
    }

    /** Requests of ours it has not answered yet (the swarm's lock held). */
    int inflight() {
        return asked.size();
    }

    /** Removes and returns the blocks asked of it (it closed or choked us), the swarm's lock held. */
    List<Long> drainAsked() {
        List<Long> copy = new ArrayList<>(asked);
        asked.clear();
        return copy;
    }
}
