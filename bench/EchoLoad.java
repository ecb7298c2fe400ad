/*
 * EchoLoad: the load client of bench/echo-connections.sh. A single-file source program, run
 * with the JDK only and no build step:
 *
 *   java bench/EchoLoad.java --port PORT --connections N [--host 127.0.0.1] [--sources K]
 *        [--timeout SECONDS] [--inflight M] [--hold-file PATH] [--hold-max SECONDS]
 *
 * 1. Opens N TCP connections to HOST:PORT, non-blocking, at most M connects in flight. With
 *    K > 0 the sockets are bound round-robin to source addresses 127.0.0.2 .. 127.0.0.(1+K)
 *    before connecting, so the ~28k ephemeral ports of one source address are never the limit.
 * 2. Echo round 1: sends a distinct message on every connection and checks each gets exactly
 *    its own bytes back (RFC 862). A connection that fails a round is closed and stays failed.
 * 3. Holds every connection open and idle until PATH exists (or, without --hold-file, until a
 *    line or EOF on stdin), at most --hold-max seconds, so the caller can measure the server.
 * 4. Echo round 2 on every connection still alive, then closes all of them (FIN, not RST).
 *
 * Steps 1 and 2 together, and step 4, are each bounded by --timeout (default 120 s).
 * Everything runs on one thread with one Selector: the client needs N + a few descriptors.
 *
 * Output: a human-readable log on stderr; one machine-readable line per phase on stdout,
 * key=value separated by spaces:
 *   CONNECT requested=N connected=C errors=E timeouts=T ms=...
 *   ECHO round=1 tried=.. ok=.. mismatch=.. closed=.. error=.. timeout=.. ms=..
 *   READY held=H                       (printed once the connections are idle and held)
 *   ECHO round=2 ...
 *   DONE requested=N connected=C echoed=OK_IN_BOTH_ROUNDS
 * Exit status: 0 when all N connected and echoed in both rounds, 1 otherwise, 2 on bad usage.
 */

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

public class EchoLoad {

    enum Result { OK, MISMATCH, CLOSED, ERROR, TIMEOUT }

    /** One client connection and its progress in the current echo round. */
    static final class Conn {
        final int index;
        final SocketChannel channel;
        SelectionKey key;
        boolean alive = true;
        boolean allOk = true;
        byte[] expected;
        ByteBuffer pendingWrite;
        int received;

        Conn(int index, SocketChannel channel) {
            this.index = index;
            this.channel = channel;
        }
    }

    static String host = "127.0.0.1";
    static int port = -1;
    static int connections = -1;
    static int sources = 4;
    static int timeoutSeconds = 120;
    static int inflight = 256;
    static Path holdFile;
    static int holdMaxSeconds = 900;

    final Selector selector;
    final Conn[] conns;
    final Map<String, Integer> connectErrors = new TreeMap<>();
    final ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);
    int connected;

    EchoLoad() throws IOException {
        selector = Selector.open();
        conns = new Conn[connections];
    }

    public static void main(String[] args) throws Exception {
        try {
            parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("EchoLoad: " + e.getMessage());
            System.err.println("usage: java EchoLoad.java --port PORT --connections N [--host H]"
                    + " [--sources K] [--timeout S] [--inflight M] [--hold-file PATH] [--hold-max S]");
            System.exit(2);
        }
        warnAboutFdLimit();
        EchoLoad load = new EchoLoad();
        int status = load.run();
        System.exit(status);
    }

    int run() throws Exception {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        connectAll(deadline);
        int[] round1 = echoRound(1, deadline);
        int held = countAlive();
        out("READY held=" + held);
        log("holding " + held + " idle connections; waiting for "
                + (holdFile != null ? "file " + holdFile : "a line on stdin"));
        hold();
        long deadline2 = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        int[] round2 = echoRound(2, deadline2);
        int echoed = 0;
        for (Conn c : conns) {
            if (c != null && c.alive && c.allOk) echoed++;
        }
        closeAll();
        out("DONE requested=" + connections + " connected=" + connected + " held=" + held
                + " echoed=" + echoed);
        boolean perfect = connected == connections && echoed == connections
                && round1[0] == connections && round2[0] == connections;
        return perfect ? 0 : 1;
    }

    /** Opens all connections, keeping at most {@code inflight} connects pending. */
    void connectAll(long deadline) throws IOException {
        long start = System.nanoTime();
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(host), port);
        InetAddress[] src = new InetAddress[sources];
        for (int k = 0; k < sources; k++) {
            src[k] = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + k)});
        }
        int next = 0, pending = 0, errors = 0;
        long lastReport = start;
        while ((next < connections || pending > 0) && System.nanoTime() < deadline) {
            while (next < connections && pending < inflight) {
                int i = next++;
                SocketChannel ch = null;
                try {
                    ch = SocketChannel.open();
                    ch.configureBlocking(false);
                    if (sources > 0) ch.bind(new InetSocketAddress(src[i % sources], 0));
                    Conn c = new Conn(i, ch);
                    conns[i] = c;
                    if (ch.connect(target)) {
                        c.key = ch.register(selector, 0, c);
                        connected++;
                    } else {
                        c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
                        pending++;
                    }
                } catch (IOException e) {
                    errors++;
                    conns[i] = null;
                    noteError(e);
                    closeQuietly(ch);
                    if (isFdExhaustion(e)) {
                        next = connections; // no point trying the rest
                    }
                }
            }
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                Conn c = (Conn) key.attachment();
                try {
                    if (c.channel.finishConnect()) {
                        key.interestOps(0);
                        pending--;
                        connected++;
                    }
                } catch (IOException e) {
                    pending--;
                    errors++;
                    noteError(e);
                    key.cancel();
                    closeQuietly(c.channel);
                    conns[c.index] = null;
                }
            }
            selector.selectedKeys().clear();
            long now = System.nanoTime();
            if (now - lastReport > 5_000_000_000L) {
                lastReport = now;
                log("connecting: " + connected + " connected, " + pending + " pending, "
                        + errors + " errors");
            }
        }
        int timeouts = 0;
        for (int i = 0; i < connections; i++) {
            Conn c = conns[i];
            if (c != null && !c.channel.isConnected()) {
                timeouts++;
                c.key.cancel();
                closeQuietly(c.channel);
                conns[i] = null;
            }
        }
        timeouts += connections - next; // never attempted before the deadline
        long ms = (System.nanoTime() - start) / 1_000_000;
        out("CONNECT requested=" + connections + " connected=" + connected + " errors=" + errors
                + " timeouts=" + timeouts + " ms=" + ms);
        log("connected " + connected + "/" + connections + " in " + ms + " ms from " + sources
                + " source address(es); connect errors: " + connectErrors);
    }

    /**
     * Sends a distinct message on every live connection and checks the reply.
     * Returns counts indexed by {@link Result#ordinal()}.
     */
    int[] echoRound(int round, long deadline) throws IOException {
        long start = System.nanoTime();
        int[] counts = new int[Result.values().length];
        int tried = 0, waiting = 0;
        int salt = ThreadLocalRandom.current().nextInt();
        for (Conn c : conns) {
            if (c == null || !c.alive) continue;
            tried++;
            String msg = String.format("netloom echo r%d c%06d %08x%n", round, c.index,
                    salt ^ (c.index * 0x9E3779B9));
            c.expected = msg.getBytes(StandardCharsets.US_ASCII);
            c.received = 0;
            ByteBuffer b = ByteBuffer.wrap(c.expected);
            try {
                c.channel.write(b);
                c.pendingWrite = b.hasRemaining() ? b : null;
                c.key.interestOps(SelectionKey.OP_READ
                        | (c.pendingWrite != null ? SelectionKey.OP_WRITE : 0));
                waiting++;
            } catch (IOException e) {
                fail(c, Result.ERROR, counts);
            }
        }
        while (waiting > 0 && System.nanoTime() < deadline) {
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                Conn c = (Conn) key.attachment();
                if (!c.alive || !key.isValid()) continue;
                Result r = null;
                try {
                    if (key.isWritable() && c.pendingWrite != null) {
                        c.channel.write(c.pendingWrite);
                        if (!c.pendingWrite.hasRemaining()) {
                            c.pendingWrite = null;
                            key.interestOps(SelectionKey.OP_READ);
                        }
                    }
                    if (key.isReadable()) r = readReply(c);
                } catch (IOException e) {
                    r = Result.ERROR;
                }
                if (r == Result.OK) {
                    key.interestOps(0);
                    counts[Result.OK.ordinal()]++;
                    waiting--;
                } else if (r != null) {
                    fail(c, r, counts);
                    waiting--;
                }
            }
            selector.selectedKeys().clear();
        }
        for (Conn c : conns) {
            if (c != null && c.alive && c.key.interestOps() != 0) fail(c, Result.TIMEOUT, counts);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        StringBuilder sb = new StringBuilder("ECHO round=" + round + " tried=" + tried);
        for (Result r : Result.values()) {
            sb.append(' ').append(r.name().toLowerCase()).append('=').append(counts[r.ordinal()]);
        }
        out(sb.append(" ms=").append(ms).toString());
        log("echo round " + round + ": " + counts[0] + "/" + tried + " ok in " + ms + " ms");
        return counts;
    }

    /** Reads what is there; null while the reply is incomplete. */
    Result readReply(Conn c) throws IOException {
        scratch.clear();
        int n = c.channel.read(scratch);
        if (n < 0) return Result.CLOSED;
        scratch.flip();
        while (scratch.hasRemaining()) {
            if (c.received >= c.expected.length) return Result.MISMATCH; // extra bytes
            if (scratch.get() != c.expected[c.received++]) return Result.MISMATCH;
        }
        return c.received == c.expected.length ? Result.OK : null;
    }

    void fail(Conn c, Result r, int[] counts) {
        counts[r.ordinal()]++;
        if (r != Result.OK && counts[r.ordinal()] <= 5) {
            log("connection " + c.index + " failed: " + r + " after " + c.received + "/"
                    + c.expected.length + " bytes");
        }
        c.alive = false;
        c.allOk = false;
        c.key.cancel();
        closeQuietly(c.channel);
    }

    int countAlive() {
        int n = 0;
        for (Conn c : conns) if (c != null && c.alive) n++;
        return n;
    }

    void hold() throws Exception {
        long until = System.nanoTime() + holdMaxSeconds * 1_000_000_000L;
        if (holdFile != null) {
            while (!Files.exists(holdFile) && System.nanoTime() < until) Thread.sleep(50);
        } else {
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try {
                    new BufferedReader(new InputStreamReader(System.in)).readLine();
                } catch (IOException ignored) {
                    // EOF or error both mean: go on
                }
            });
            reader.join(holdMaxSeconds * 1000L);
        }
        if (System.nanoTime() >= until) log("hold limit of " + holdMaxSeconds + " s reached");
    }

    void closeAll() {
        long start = System.nanoTime();
        for (Conn c : conns) {
            if (c != null && c.channel.isOpen()) closeQuietly(c.channel);
        }
        try {
            selector.close(); // deregisters the keys, which releases the descriptors
        } catch (IOException ignored) {
            // closing anyway
        }
        log("closed all in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    void noteError(IOException e) {
        String k = e.getClass().getSimpleName() + ": " + e.getMessage();
        connectErrors.merge(k, 1, Integer::sum);
    }

    static boolean isFdExhaustion(IOException e) {
        return String.valueOf(e.getMessage()).contains("Too many open files");
    }

    static void closeQuietly(SocketChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    /** Warns when N plus a margin for the JVM's own files exceeds this process's fd limit. */
    static void warnAboutFdLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    long soft = Long.parseLong(f[0]);
                    if (connections + 32L > soft) {
                        log("warning: " + connections + " connections + the JVM's own files"
                                + " may exceed this process's limit of " + soft
                                + " open files; the excess will show as connect errors");
                    }
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux, or unreadable: no warning
        }
    }

    static void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
            String v = args[++i];
            switch (a) {
                case "--host" -> host = v;
                case "--port" -> port = intArg(a, v, 1, 65535);
                case "--connections" -> connections = intArg(a, v, 1, 1_000_000);
                case "--sources" -> sources = intArg(a, v, 0, 253);
                case "--timeout" -> timeoutSeconds = intArg(a, v, 1, 86_400);
                case "--inflight" -> inflight = intArg(a, v, 1, 1_000_000);
                case "--hold-file" -> holdFile = Path.of(v);
                case "--hold-max" -> holdMaxSeconds = intArg(a, v, 0, 86_400);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (port < 0) throw new IllegalArgumentException("--port is required");
        if (connections < 0) throw new IllegalArgumentException("--connections is required");
    }

    static int intArg(String name, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + " " + v + ": expected an integer in "
                + min + ".." + max);
    }

    static void out(String line) {
        System.out.println(line);
        System.out.flush();
    }

    static void log(String line) {
        System.err.println("[EchoLoad] " + line);
    }
}
