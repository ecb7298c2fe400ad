/*
 * KvQueue: the job-queue load generator of bench/kv-features.sh. A single-file source program, run
 * with the JDK only:
 *
 *   java bench/KvQueue.java --port PORT [--host 127.0.0.1] [--producers 4] [--workers 8]
 *        [--warmup 1] [--seconds 5] [--window 64] [--backlog 1000] [--key queue]
 *
 * P producer connections LPUSH jobs onto one list, pipelined with at most WINDOW unanswered each,
 * and hold back while more than BACKLOG jobs are pushed and not yet popped (so the list stays
 * short and workers do block and get woken, as a job queue's workers do). W worker connections
 * each loop `BRPOP key 1` and count the jobs they get. A job is the number (producer << 40) | seq,
 * so every job is distinct. After WARMUP seconds (not counted) the jobs popped during SECONDS are
 * counted; then producers stop, workers drain the list, and every pushed job (an LPUSH answered)
 * must have been popped exactly once. Prints one line:
 *
 *   jobs_per_s=R pushed=N popped=M lost=L duplicated=D seconds=S
 *
 * Exits 1 when a job was lost or popped twice, the list is not empty at the end, a connection
 * failed or the server answered an error.
 */
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

public class KvQueue {

    static final AtomicLong SENT = new AtomicLong();
    static final AtomicLong PUSHED = new AtomicLong();
    static final AtomicLong POPPED = new AtomicLong();
    static volatile boolean stop;
    static volatile boolean producersDone;
    static volatile String failure;

    static byte[] command(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** One RESP line without its CRLF; an error reply (-...) or a closed connection fails. */
    static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed by the server");
            }
            sb.append((char) c);
        }
        in.read(); // \n
        if (!sb.isEmpty() && sb.charAt(0) == '-') {
            throw new IOException("server error: " + sb);
        }
        return sb.toString();
    }

    static Socket connect(InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(to, 10_000);
        s.setSoTimeout(30_000);
        return s;
    }

    public static void main(String[] argv) throws Exception {
        String host = "127.0.0.1", key = "queue";
        int port = 0, producers = 4, workers = 8, window = 64, backlog = 1000;
        double warmup = 1, seconds = 5;
        for (int i = 0; i < argv.length; i += 2) {
            String v = argv[i + 1];
            switch (argv[i]) {
                case "--host" -> host = v;
                case "--port" -> port = Integer.parseInt(v);
                case "--producers" -> producers = Integer.parseInt(v);
                case "--workers" -> workers = Integer.parseInt(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--window" -> window = Integer.parseInt(v);
                case "--backlog" -> backlog = Integer.parseInt(v);
                case "--key" -> key = v;
                default -> throw new IllegalArgumentException("unknown option " + argv[i]);
            }
        }
        InetSocketAddress to = new InetSocketAddress(host, port);
        try (Socket admin = connect(to)) {
            admin.getOutputStream().write(command("DEL", key));
            line(new BufferedInputStream(admin.getInputStream()));
        }
        // per worker, per producer: the sequence numbers it popped
        BitSet[][] seen = new BitSet[workers][producers];
        long[] duplicated = new long[workers];
        List<Thread> threads = new ArrayList<>();
        String k = key;
        int np = producers, win = window, most = backlog;
        for (int w = 0; w < workers; w++) {
            int me = w;
            for (int p = 0; p < producers; p++) {
                seen[w][p] = new BitSet();
            }
            threads.add(Thread.ofPlatform().name("worker-" + w).start(() -> work(to, k, seen[me], duplicated, me)));
        }
        List<Thread> pushers = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long id = p;
            pushers.add(Thread.ofPlatform().name("producer-" + p).start(() -> produce(to, k, id, win, most)));
        }
        Thread.sleep((long) (warmup * 1000));
        long c0 = POPPED.get(), t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long c1 = POPPED.get(), t1 = System.nanoTime();
        stop = true;
        for (Thread t : pushers) {
            t.join(60_000);
        }
        producersDone = true;
        for (Thread t : threads) {
            t.join(60_000);
        }
        long left = -1;
        try (Socket admin = connect(to)) {
            InputStream in = new BufferedInputStream(admin.getInputStream());
            admin.getOutputStream().write(command("LLEN", k));
            left = Long.parseLong(line(in).substring(1));
            admin.getOutputStream().write(command("DEL", k));
            line(in);
        }
        // merge: a sequence number two workers popped is a duplicate too
        long unique = 0, dups = 0;
        for (int p = 0; p < np; p++) {
            BitSet all = new BitSet();
            for (int w = 0; w < workers; w++) {
                BitSet both = (BitSet) all.clone();
                both.and(seen[w][p]);
                dups += both.cardinality();
                all.or(seen[w][p]);
            }
            unique += all.cardinality();
        }
        for (long d : duplicated) {
            dups += d;
        }
        long pushed = PUSHED.get();
        long lost = pushed - unique;
        double secs = (t1 - t0) / 1e9;
        System.out.printf(Locale.ROOT, "jobs_per_s=%.0f pushed=%d popped=%d lost=%d duplicated=%d seconds=%.2f%n",
                (c1 - c0) / secs, pushed, POPPED.get(), lost, dups, secs);
        if (failure != null) {
            System.err.println(failure);
        }
        if (left != 0) {
            System.err.println("the list still holds " + left + " jobs after the drain");
        }
        System.exit(failure == null && lost == 0 && dups == 0 && left == 0 ? 0 : 1);
    }

    /** A producer: LPUSH key (id << 40 | seq), at most WINDOW unanswered, BACKLOG jobs ahead. */
    static void produce(InetSocketAddress to, String key, long id, int window, int backlog) {
        try (Socket s = connect(to)) {
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
            InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            long seq = 0, answered = 0;
            while (!stop && failure == null) {
                while (seq - answered < window && SENT.get() - POPPED.get() < backlog && !stop) {
                    out.write(command("LPUSH", key, Long.toString(id << 40 | seq)));
                    seq++;
                    SENT.incrementAndGet();
                }
                out.flush();
                if (seq == answered) {
                    LockSupport.parkNanos(50_000); // the workers are behind: wait for them
                    continue;
                }
                // read half the window (or all, when little is out) before writing more
                long until = Math.max(answered + 1, seq - window / 2);
                while (answered < until) {
                    line(in);
                    answered++;
                    PUSHED.incrementAndGet();
                }
            }
            while (answered < seq) {
                line(in);
                answered++;
                PUSHED.incrementAndGet();
            }
        } catch (IOException e) {
            failure = "producer " + id + ": " + e.getMessage();
        }
    }

    /** A worker: BRPOP key 1 until the producers are done and every pushed job is popped. */
    static void work(InetSocketAddress to, String key, BitSet[] seen, long[] duplicated, int me) {
        byte[] brpop = command("BRPOP", key, "1");
        try (Socket s = connect(to)) {
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            while (failure == null) {
                out.write(brpop);
                String head = line(in);
                if (head.equals("*-1")) { // timed out: nothing to pop for a second
                    if (producersDone && POPPED.get() >= PUSHED.get()) {
                        return;
                    }
                    continue;
                }
                if (!head.equals("*2")) {
                    throw new IOException("BRPOP answered " + head);
                }
                line(in); // $len of the key
                line(in); // the key
                line(in); // $len of the job
                long job = Long.parseLong(line(in));
                int producer = (int) (job >>> 40);
                int seq = (int) (job & ((1L << 40) - 1));
                if (seen[producer].get(seq)) {
                    duplicated[me]++;
                } else {
                    seen[producer].set(seq);
                }
                POPPED.incrementAndGet();
            }
        } catch (IOException e) {
            failure = "worker " + me + ": " + e.getMessage();
        }
    }
}
