/*
 * KvPubSubFanout: the load generator of the pub/sub row of bench/kv-features.sh. A single-file source program, run
 * with the JDK only:
 *
 *   java bench/KvPubSubFanout.java --port PORT [--host 127.0.0.1] [--subscribers 1000]
 *        [--seconds 5] [--messages 0] [--size 16] [--window 64]
 *
 * Opens N subscriber connections (non-blocking, one Selector, one thread, as ChatFanout's
 * members) to a Redis-protocol server, each sends SUBSCRIBE bench and reads its confirmation.
 * Then one publisher connection sends PUBLISH bench <size bytes> with at most WINDOW unanswered
 * (a blocking socket on its own thread), for SECONDS (or MESSAGES, if > 0), and stops. Every
 * message frame has the same length, so a subscriber's bytes / frame length = messages it got.
 * When all subscribers have every message published (or 30 s passed), prints one line:
 *
 *   published=P delivered=D expected=P*N seconds=S deliveries_per_s=R publish_per_s=Q
 *
 * with S from the first PUBLISH written to the last delivery read. Exits 1 if a delivery is
 * missing or a subscriber was disconnected.
 */
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

public class KvPubSubFanout {

    static byte[] command(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    public static void main(String[] argv) throws Exception {
        String host = "127.0.0.1";
        int port = 0, n = 1000, size = 16, window = 64;
        double seconds = 5;
        long limit = 0;
        for (int i = 0; i < argv.length; i += 2) {
            String v = argv[i + 1];
            switch (argv[i]) {
                case "--host" -> host = v;
                case "--port" -> port = Integer.parseInt(v);
                case "--subscribers" -> n = Integer.parseInt(v);
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--messages" -> limit = Long.parseLong(v);
                case "--size" -> size = Integer.parseInt(v);
                case "--window" -> window = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + argv[i]);
            }
        }
        InetSocketAddress to = new InetSocketAddress(host, port);
        String payload = "x".repeat(size);
        int confirm = "*3\r\n$9\r\nsubscribe\r\n$5\r\nbench\r\n:1\r\n".length();
        int frame = ("*3\r\n$7\r\nmessage\r\n$5\r\nbench\r\n$" + size + "\r\n" + payload + "\r\n").length();
        Selector sel = Selector.open();
        SocketChannel[] subs = new SocketChannel[n];
        long[] got = new long[n];
        byte[] sub = command("SUBSCRIBE", "bench");
        for (int i = 0; i < n; i++) {
            subs[i] = SocketChannel.open(to);
            subs[i].write(ByteBuffer.wrap(sub));
            subs[i].configureBlocking(false);
            subs[i].register(sel, SelectionKey.OP_READ, i);
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        long ready = 0;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (ready < (long) n * confirm && System.nanoTime() < deadline) {
            ready += pump(sel, buf, got);
        }
        if (ready < (long) n * confirm) {
            System.err.println("subscribers not ready: " + ready + " of " + (long) n * confirm + " bytes");
            System.exit(1);
        }
        for (int i = 0; i < n; i++) {
            got[i] -= confirm;
        }
        long[] published = {0};
        long start = System.nanoTime();
        long stopAt = start + (long) (seconds * 1e9);
        long max = limit;
        int win = window;
        Thread publisher = Thread.ofPlatform().start(() -> {
            try (Socket s = new Socket()) {
                s.setTcpNoDelay(true);
                s.connect(to);
                OutputStream out = s.getOutputStream();
                InputStream in = new BufferedInputStream(s.getInputStream());
                byte[] pub = command("PUBLISH", "bench", payload);
                long sent = 0, answered = 0;
                while ((max > 0 ? sent < max : System.nanoTime() < stopAt)) {
                    while (sent - answered < win && (max > 0 ? sent < max : true)) {
                        out.write(pub);
                        sent++;
                    }
                    out.flush();
                    while (sent - answered >= win / 2 || (max > 0 && sent == max && answered < sent)) {
                        while (in.read() != '\n') {
                            // the reply, :N\r\n
                        }
                        answered++;
                    }
                }
                while (answered < sent) {
                    while (in.read() != '\n') {
                        // the remaining replies
                    }
                    answered++;
                }
                synchronized (published) {
                    published[0] = sent;
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        long last = start;
        long total = 0;
        long done = Long.MAX_VALUE;
        deadline = System.nanoTime() + (long) (seconds * 1e9) + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            long r = pump(sel, buf, got);
            if (r > 0) {
                total += r;
                last = System.nanoTime();
            }
            if (!publisher.isAlive() && done == Long.MAX_VALUE) {
                synchronized (published) {
                    done = published[0];
                }
            }
            if (done != Long.MAX_VALUE && total >= done * frame * n) {
                break;
            }
        }
        publisher.join();
        long delivered = total / frame;
        double secs = (last - start) / 1e9;
        System.out.printf(Locale.ROOT, "published=%d delivered=%d expected=%d seconds=%.2f deliveries_per_s=%.0f"
                + " publish_per_s=%.0f%n", done, delivered, done * n, secs, delivered / secs, done / secs);
        for (SocketChannel c : subs) {
            c.close();
        }
        System.exit(delivered == done * n ? 0 : 1);
    }

    /** Reads what is ready; returns the bytes read (a closed subscriber is an error). */
    static long pump(Selector sel, ByteBuffer buf, long[] got) throws IOException {
        long n = 0;
        if (sel.select(100) == 0) {
            return 0;
        }
        for (SelectionKey k : sel.selectedKeys()) {
            SocketChannel c = (SocketChannel) k.channel();
            int r;
            while ((r = c.read(buf.clear())) > 0) {
                n += r;
                got[(Integer) k.attachment()] += r;
            }
            if (r < 0) {
                System.err.println("a subscriber was disconnected");
                System.exit(1);
            }
        }
        sel.selectedKeys().clear();
        return n;
    }
}
