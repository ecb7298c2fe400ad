package dev.netloom.ftp;

import dev.netloom.core.ByteSize;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

/**
 * One file transfer in progress: what the shell shows ({@code RETR a.iso 1.2 MiB at 300.0 MiB/s})
 * and the copy loops. Binary sends use {@code FileChannel.transferTo} on the socket's channel
 * (zero copy) in slices, so progress stays visible; receives read the socket stream, which keeps
 * the data timeout, into a large buffer. ASCII mode (TYPE A) turns LF into CRLF on the way out
 * and CRLF into LF on the way in; files are stored with LF.
 */
final class Transfer {

    private static final int BUFFER = 1 << 20;
    private static final long SLICE = 8L << 20;

    private final String verb;
    private final String name;
    private final long started = System.nanoTime();
    private volatile long bytes;

    Transfer(String verb, String name) {
        this.verb = verb;
        this.name = name;
    }

    /** True for STOR, APPE and STOU: the bytes come from the client. */
    boolean upload() {
        return verb.equals("STOR") || verb.equals("APPE") || verb.equals("STOU");
    }

    long bytes() {
        return bytes;
    }

    /** Sends {@code file} from {@code offset} to {@code socket}; with {@code ascii}, LF becomes CRLF. */
    void send(FileChannel file, long offset, Socket socket, OutputStream out, boolean ascii) throws IOException {
        // a TLS socket layered on a channel socket reports that channel: bytes written there would bypass TLS
        SocketChannel ch = socket instanceof javax.net.ssl.SSLSocket ? null : socket.getChannel();
        if (!ascii && ch != null) {
            long pos = offset;
            long size = file.size();
            while (pos < size) {
                long n = file.transferTo(pos, Math.min(SLICE, size - pos), ch);
                pos += n;
                bytes += n;
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
            bytes += n;
        }
        out.flush();
    }

    /** Receives from {@code in} into {@code file} at its position; with {@code ascii}, CRLF becomes LF. */
    void receive(InputStream in, FileChannel file, boolean ascii) throws IOException {
        byte[] buf = new byte[BUFFER];
        boolean pendingCr = false;
        int n;
        while ((n = in.read(buf)) >= 0) {
            bytes += n;
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
                writeFully(file, ByteBuffer.wrap(out, 0, w));
            } else {
                writeFully(file, ByteBuffer.wrap(buf, 0, len));
            }
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

    @Override
    public String toString() {
        double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        return verb + " " + name + " " + ByteSize.format(bytes) + " at " + ByteSize.format((long) (bytes / seconds)) + "/s";
    }
}
