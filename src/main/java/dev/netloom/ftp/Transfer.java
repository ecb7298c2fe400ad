package dev.netloom.ftp;

import dev.netloom.core.ByteSize;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * One file transfer in progress: what the shell shows ({@code RETR a.iso 1.2 MiB at 300.0 MiB/s})
 * and the copy loops. Binary sends use {@code FileChannel.transferTo} on the socket's channel
 * (zero copy) in slices, so progress stays visible; binary receives read the socket's channel
 * into a direct buffer written straight to the file (no copies through the heap), with a
 * {@link Stall} watch for the data timeout, which a channel read does not keep, and a
 * {@link Writeback} that forces the file to disk as it arrives. TLS and ASCII transfers use the
 * socket's streams. ASCII mode (TYPE A) turns LF into CRLF on the way out and CRLF into LF on the
 * way in; files are stored with LF. Every byte moved is also given to the transfer's counter
 * (the service's stats) as it goes.
 */
final class Transfer {

    private static final int BUFFER = 1 << 20;
    private static final long SLICE = 8L << 20;

    private final String verb;
    private final String name;
    private final LongConsumer counter;
    private final long started = System.nanoTime();
    private volatile long bytes;

    /** {@code counter} is told of the bytes as they move (uploads: received, the others: sent). */
    Transfer(String verb, String name, LongConsumer counter) {
        this.verb = verb;
        this.name = name;
        this.counter = counter;
    }

    /** True for STOR, APPE and STOU: the bytes come from the client. */
    boolean upload() {
        return upload(verb);
    }

    static boolean upload(String verb) {
        return verb.equals("STOR") || verb.equals("APPE") || verb.equals("STOU");
    }

    long bytes() {
        return bytes;
    }

    /** Counts {@code n} bytes moved; only the transfer's thread calls it. */
    void moved(long n) {
        bytes += n;
        counter.accept(n);
    }

    /** Sends {@code file} from {@code offset} to {@code socket}; with {@code ascii}, LF becomes CRLF. */
    void send(FileChannel file, long offset, Socket socket, OutputStream out, boolean ascii) throws IOException {
        // a TLS socket layered on a channel socket reports that channel: bytes written there would bypass TLS
        SocketChannel ch = socket instanceof SSLSocket ? null : socket.getChannel();
        if (!ascii && ch != null) {
            long pos = offset;
            long size = file.size();
            while (pos < size) {
                long n = file.transferTo(pos, Math.min(SLICE, size - pos), ch);
                pos += n;
                moved(n);
            }
            return;
        }
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        byte[] wire = new byte[ascii ? 2 * BUFFER : 0];
        long pos = offset;
        int n;
        while ((n = file.read(buf.clear(), pos)) > 0) {
            pos += n;
            if (ascii) {
                int w = 0;
                for (int i = 0; i < n; i++) {
                    byte b = buf.array()[i];
                    if (b == '\n') {
                        wire[w++] = '\r';
                    } else if (b == '\r') {
                        continue; // a stored CR before LF would double; stored files use LF
                    }
                    wire[w++] = b;
                }
                out.write(wire, 0, w);
            } else {
                out.write(buf.array(), 0, n);
            }
            moved(n);
        }
        out.flush();
    }

    /**
     * Receives from {@code socket} into {@code file} at its position; with {@code ascii}, CRLF
     * becomes LF. What is written goes to disk in the background as it arrives.
     */
    void receive(Socket socket, FileChannel file, boolean ascii) throws IOException {
        SocketChannel ch = socket instanceof SSLSocket ? null : socket.getChannel();
        try (Writeback writeback = new Writeback(file)) {
            if (!ascii && ch != null) {
                receive(ch, socket, file, writeback);
            } else {
                receive(socket.getInputStream(), file, ascii, writeback);
            }
        }
    }

    private void receive(SocketChannel ch, Socket socket, FileChannel file, Writeback writeback) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
        try (Stall stall = new Stall(socket, socket.getSoTimeout())) {
            int n;
            while ((n = ch.read(buf.clear())) >= 0) {
                stall.progress();
                writeFully(file, buf.flip());
                moved(n);
                writeback.written(n);
            }
        }
    }

    private void receive(InputStream in, FileChannel file, boolean ascii, Writeback writeback) throws IOException {
        byte[] buf = new byte[BUFFER];
        boolean pendingCr = false;
        int n;
        while ((n = in.read(buf)) >= 0) {
            moved(n);
            int len = n;
            if (ascii) {
                int w = 0;
                byte[] out = new byte[n + 1];
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (pendingCr && b != '\n') {
                        out[w++] = '\r'; // a lone CR is data
                    }
                    pendingCr = b == '\r';
                    if (!pendingCr) {
                        out[w++] = b;
                    }
                }
                len = w;
                writeFully(file, ByteBuffer.wrap(out, 0, w));
            } else {
                writeFully(file, ByteBuffer.wrap(buf, 0, len));
            }
            writeback.written(len);
        }
        if (pendingCr) {
            writeFully(file, ByteBuffer.wrap(new byte[] {'\r'}));
        }
    }

    private static void writeFully(FileChannel file, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            file.write(b);
        }
    }

    /**
     * The data timeout of a channel read, which keeps none of its own: closes the socket once
     * nothing has arrived for {@code timeoutMillis} (0: never), which fails the read.
     */
    private static final class Stall implements AutoCloseable {
        private final Thread watch;
        private volatile long last = System.nanoTime();

        Stall(Socket socket, int timeoutMillis) {
            long limit = Duration.ofMillis(timeoutMillis).toNanos();
            watch = timeoutMillis <= 0 ? null : Thread.ofVirtual().name(Thread.currentThread().getName() + "-stall")
                    .start(() -> {
                        try {
                            for (long silent; (silent = System.nanoTime() - last) < limit; ) {
                                Thread.sleep(Duration.ofNanos(limit - silent));
                            }
                            socket.close();
                        } catch (InterruptedException | IOException e) {
                            // the transfer has ended, or the socket is closed already
                        }
                    });
        }

        void progress() {
            last = System.nanoTime();
        }

        @Override
        public void close() {
            if (watch != null) {
                watch.interrupt();
            }
        }
    }

    @Override
    public String toString() {
        double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        return verb + " " + name + " " + ByteSize.format(bytes) + " at " + ByteSize.format((long) (bytes / seconds)) + "/s";
    }
}
