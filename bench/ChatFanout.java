/*
 * ChatFanout: the load client of bench/chat-fanout.sh. A single-file source program, run with
 * the JDK only and no build step:
 *
 *   java bench/ChatFanout.java --port PORT --members N [--host 127.0.0.1] [--sources K]
 *        [--messages M] [--sustained S] [--timeout SECONDS] [--message-timeout SECONDS]
 *        [--server-pid PID]
 *
 * 1. Join: opens N connections to a netloom `chat` server at HOST:PORT (at most 256 connects and
 *    nick handshakes in flight), each bound round-robin to a source address 127.0.0.2 .. 127.0.0.(1+K) (K = 0:
 *    the kernel's choice). Each member reads the welcome line, sends its nick (m0 .. m{N-1}) and
 *    waits for "* you are ...". Then one more member, the sender (nick "sender"), joins last and
 *    says "sync". Every member's outbound queue on the server is FIFO, so once all N have read
 *    "<sender> sync" the flood of N*(N-1)/2 join notices is drained (the server may have skipped
 *    some for a member that was behind, and told it "* K join/leave/nick notices skipped ..."; a
 *    message is never skipped): measuring starts.
 * 2. Latency: the sender says "msg ID t=NANOS" M times, one at a time: it sends message i, waits
 *    until every member has read "<sender> msg i ..." (or --message-timeout, default 10 s), then
 *    sends message i+1 at once. Latency of a message = System.nanoTime() when the last member's
 *    read returned the line minus when the sender wrote it (sender and receivers share this JVM,
 *    so one clock). After 3 messages that time out the phase stops (the rest count as unsent).
 * 3. Sustained: the sender writes S more messages back to back (one write per line, no waiting)
 *    and the program waits until every member has all of them; rate = N*S deliveries / (last
 *    receipt - first write).
 * 4. Closes every socket and reports. Phases 1 and 3 are each bounded by --timeout (120 s).
 *
 * All N members are non-blocking channels on one Selector, read and parsed by one thread (the
 * receive time of a line = when the read that brought it returned). A virtual thread per member
 * was tried first: on one CPU it cost ~12 us of client CPU per delivered line (an epoll re-arm
 * and two thread switches per read), as much as the server's own cost, so the client, not the
 * server, set half the latency. The client needs N + 1 sockets and ~5 MB of heap per thousand
 * members. The sender is a plain blocking socket written from the main thread. With --server-pid the
 * program also reads the server's CPU time (/proc/PID/stat utime+stime, in clock ticks) around
 * each phase and its VmRSS / VmHWM (/proc/PID/status) at the end.
 *
 * Output: a log on stderr; one machine-readable line per phase on stdout, key=value, integers:
 *   JOIN requested=N joined=J errors=E join_ms=.. drain_ms=.. notices=..
 *   LATENCY messages=M sent=.. complete=.. timeouts=.. p50_us=.. p99_us=.. max_us=.. mean_us=..
 *           wall_us=.. srv_ticks=.. srv_sys_ticks=.. cli_ticks=..
 *   SUSTAINED messages=S sent=.. deliveries=.. wall_us=.. per_s=.. srv_ticks=.. cli_ticks=..
 * (srv_ticks / cli_ticks: the server's / this process's user+system CPU time during the phase,
 * srv_sys_ticks the server's system time alone, in clock ticks)
 *   DONE members=N joined=J lost=.. disconnected=.. duplicates=.. unexpected=.. rss_kib=..
 *        hwm_kib=..
 * Exit status: 0 when all N joined, every message was sent and every member received each
 * exactly once, and no member was disconnected; 1 otherwise; 2 on bad usage.
 */

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

public class ChatFanout {

    static String host = "127.0.0.1";
    static int port = -1;
    static int members = -1;
    static int sources = 8;
    static int messages = 200;
    static int sustained = 200;
    static int timeoutSeconds = 120;
    static int messageTimeoutSeconds = 10;
    static long serverPid = -1;

    static final String SENDER = "sender";
    static final byte[] MSG_PREFIX = ("<" + SENDER + "> msg ").getBytes(StandardCharsets.US_ASCII);
    static final byte[] SENDER_JOINED = ("* " + SENDER + " joined #lobby").getBytes(StandardCharsets.US_ASCII);
    static final byte[] SYNC = ("<" + SENDER + "> sync").getBytes(StandardCharsets.US_ASCII);
    static final byte[] SKIPPED_SUFFIX = " skipped while you were behind; /who lists your room".getBytes(StandardCharsets.US_ASCII);
    static final byte[] JOINED_SUFFIX = " joined #lobby".getBytes(StandardCharsets.US_ASCII);
    static final byte[] WELCOME = "* welcome".getBytes(StandardCharsets.US_ASCII);
    static final byte[] YOU_ARE = "* you are ".getBytes(StandardCharsets.US_ASCII);

    static int total;                           // messages + sustained: ids 0 .. total-1
    static volatile CountDownLatch[] received;  // per message id: members still to receive it
    static CountDownLatch drained;              // members still to read "<sender> sync"
    static CountDownLatch joined;               // members still to read "* you are"
    static final AtomicInteger joinedCount = new AtomicInteger();
    static final AtomicInteger joinErrors = new AtomicInteger();
    static final AtomicInteger disconnected = new AtomicInteger();
    static final LongAdder duplicates = new LongAdder();
    static final LongAdder unexpected = new LongAdder();
    static final LongAdder notices = new LongAdder();
    static final Map<String, Integer> errors = new ConcurrentHashMap<>();
    static volatile boolean closing;

    enum State { CONNECTING, WELCOME, NICK, IN_ROOM, FAILED }

    /** One member: its channel, where it is in the handshake and when it read each message. */
    static final class Member {
        final int index;
        final String nick;
        final long[] recv = new long[total];  // System.nanoTime() of receipt, 0 = not yet
        SocketChannel channel;
        Lines lines;  // the selector thread's view of its bytes (members); a blocking reader (sender)
        State state = State.CONNECTING;
        volatile Socket socket;  // the sender's

        Member(int index, String nick) {
            this.index = index;
            this.nick = nick;
        }
    }

    /** A line reader over raw bytes: next() returns the line's end in buf (start in pos). */
    static final class Lines {
        final InputStream in;
        final byte[] buf = new byte[4096];
        int start, pos, limit;
        long readAt;  // nanoTime when the bytes now in buf arrived

        Lines(InputStream in) {
            this.in = in;
        }

        /** Reads what the channel has (non-blocking) after the unread rest; -1 at EOF. */
        int fill(SocketChannel ch) throws IOException {
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                limit -= pos;
                pos = 0;
            }
            if (limit == buf.length) {  // a line longer than the buffer: skip it
                limit = 0;
                unexpected.increment();
            }
            int n = ch.read(ByteBuffer.wrap(buf, limit, buf.length - limit));
            if (n > 0) {
                readAt = System.nanoTime();
                limit += n;
            }
            return n;
        }

        /** The next complete line already in buf (end as in next()), or -1. */
        int buffered() {
            for (int i = pos; i < limit; i++) {
                if (buf[i] == '\n') {
                    start = pos;
                    pos = i + 1;
                    return i > start && buf[i - 1] == '\r' ? i - 1 : i;
                }
            }
            return -1;
        }

        /** Index one past the line's last byte (CR stripped), line starts at {@link #start}; -1 at EOF. */
        int next() throws IOException {
            while (true) {
                int end = buffered();
                if (end >= 0) return end;
                if (pos > 0) {  // compact what is left of a partial line
                    System.arraycopy(buf, pos, buf, 0, limit - pos);
                    limit -= pos;
                    pos = 0;
                }
                if (limit == buf.length) {  // a line longer than the buffer: skip it
                    limit = 0;
                    unexpected.increment();
                }
                int n = in.read(buf, limit, buf.length - limit);
                if (n < 0) return -1;
                readAt = System.nanoTime();
                limit += n;
            }
        }

        boolean startsWith(int end, byte[] p) {
            if (end - start < p.length) return false;
            for (int i = 0; i < p.length; i++) {
                if (buf[start + i] != p[i]) return false;
            }
            return true;
        }

        boolean endsWith(int end, byte[] p) {
            if (end - start < p.length) return false;
            for (int i = 0; i < p.length; i++) {
                if (buf[end - p.length + i] != p[i]) return false;
            }
            return true;
        }

        boolean equals(int end, byte[] p) {
            return end - start == p.length && startsWith(end, p);
        }

        String text(int end) {
            return new String(buf, start, end - start, StandardCharsets.UTF_8);
        }
    }

    public static void main(String[] args) throws Exception {
        try {
            parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ChatFanout: " + e.getMessage());
            System.err.println("usage: java ChatFanout.java --port PORT --members N [--host H] [--sources K]"
                    + " [--messages M] [--sustained S] [--timeout S] [--message-timeout S] [--server-pid PID]");
            System.exit(2);
        }
        System.exit(run());
    }

    static int run() throws Exception {
        total = messages + sustained;
        joined = new CountDownLatch(members);
        drained = new CountDownLatch(members);
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(host), port);
        InetAddress[] src = new InetAddress[sources];
        for (int k = 0; k < sources; k++) {
            src[k] = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + k)});
        }

        // ---- 1. join ----
        long start = System.nanoTime();
        long deadline = start + timeoutSeconds * 1_000_000_000L;
        Member[] all = new Member[members];
        for (int i = 0; i < members; i++) all[i] = new Member(i, "m" + i);
        Selector selector = Selector.open();
        Thread reader = Thread.ofPlatform().name("members").daemon().start(() -> {
            try {
                readAll(selector, all, target, src);
            } catch (IOException | RuntimeException e) {
                log("the members' reader failed: " + e);
                e.printStackTrace();
            }
        });
        long lastReport = System.nanoTime();
        while (!joined.await(1, TimeUnit.SECONDS) && System.nanoTime() < deadline) {
            if (System.nanoTime() - lastReport >= 5_000_000_000L) {
                lastReport = System.nanoTime();
                log("joining: " + joinedCount.get() + "/" + members + " in the room, " + joinErrors.get()
                        + " errors, " + notices.sum() + " join notices read");
            }
            if (joinedCount.get() + joinErrors.get() >= members) break;
        }
        long joinNanos = System.nanoTime() - start;
        int in = joinedCount.get();
        log("joined " + in + "/" + members + " in " + joinNanos / 1_000_000 + " ms; errors: " + errors);
        Member sender = new Member(-1, SENDER);
        OutputStream senderOut = null;
        if (in == members) {
            try {
                senderOut = senderJoin(sender, target, src.length > 0 ? src[0] : null);
                senderOut.write("sync\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                noteError("sender: ", e);
                log("the sender could not join: " + e);
            }
        }
        long drainStart = System.nanoTime();
        boolean ready = false;
        if (senderOut != null) {
            long left = deadline - System.nanoTime();
            ready = drained.await(Math.max(left, 1_000_000_000L), TimeUnit.NANOSECONDS);
            if (!ready) log(drained.getCount() + " members never read \"<sender> sync\"");
        }
        long drainNanos = System.nanoTime() - drainStart;
        out("JOIN requested=" + members + " joined=" + in + " errors=" + joinErrors.get() + " join_ms="
                + joinNanos / 1_000_000 + " drain_ms=" + drainNanos / 1_000_000 + " notices=" + notices.sum());
        if (!ready) {
            out("DONE members=" + members + " joined=" + in + " lost=n/a disconnected=" + disconnected.get()
                    + " duplicates=0 unexpected=" + unexpected.sum() + serverMemory());
            closing = true;
            selector.wakeup();
            reader.join(10_000);
            closeAll(all, sender);
            selector.close();
            return 1;
        }
        log("all " + members + " members are in #lobby and have read the " + notices.sum()
                + " join notices (drained in " + drainNanos / 1_000_000 + " ms); measuring");

        CountDownLatch[] latches = new CountDownLatch[total];
        for (int i = 0; i < total; i++) latches[i] = new CountDownLatch(members);
        received = latches;
        long[] sentAt = new long[total];

        // ---- 2. latency: one message at a time ----
        long t0 = System.nanoTime();
        long ticks0 = serverTicks(), own0 = ticks("/proc/self/stat");
        long sys0 = serverPid < 0 ? 0 : ticks("/proc/" + serverPid + "/stat", false);
        int sent = 0, timeouts = 0;
        for (int i = 0; i < messages && timeouts < 3; i++) {
            sentAt[i] = say(senderOut, i);
            sent++;
            if (!latches[i].await(messageTimeoutSeconds, TimeUnit.SECONDS)) {
                timeouts++;
                log("message " + i + ": " + latches[i].getCount() + " of " + members + " members still without it after "
                        + messageTimeoutSeconds + " s");
            }
            if ((i + 1) % 50 == 0) log("latency: " + (i + 1) + "/" + messages + " messages");
        }
        long latWall = System.nanoTime() - t0;
        long latTicks = serverTicks() - ticks0, latOwn = ticks("/proc/self/stat") - own0;
        long latSys = serverPid < 0 ? 0 : ticks("/proc/" + serverPid + "/stat", false) - sys0;
        long[] lat = new long[sent];
        int complete = 0;
        for (int i = 0; i < sent; i++) {
            if (latches[i].getCount() != 0) {
                lat[i] = Long.MAX_VALUE;
                continue;
            }
            complete++;
            long last = 0;
            for (Member m : all) last = Math.max(last, m.recv[i]);
            lat[i] = last - sentAt[i];
        }
        long[] ok = Arrays.stream(lat).filter(v -> v != Long.MAX_VALUE).sorted().toArray();
        long mean = ok.length == 0 ? 0 : (long) Arrays.stream(ok).average().orElse(0);
        out("LATENCY messages=" + messages + " sent=" + sent + " complete=" + complete + " timeouts=" + timeouts
                + " p50_us=" + pct(ok, 50) + " p99_us=" + pct(ok, 99) + " max_us=" + pct(ok, 100)
                + " mean_us=" + mean / 1000 + " wall_us=" + latWall / 1000 + " srv_ticks=" + latTicks + " srv_sys_ticks=" + latSys + " cli_ticks=" + latOwn);
        log("latency: " + complete + "/" + sent + " complete; p50 " + pct(ok, 50) / 1000.0 + " ms, p99 "
                + pct(ok, 99) / 1000.0 + " ms, max " + pct(ok, 100) / 1000.0 + " ms");

        // ---- 3. sustained: back to back ----
        int sentS = 0;
        long sWall = 0, sTicks = 0, sOwn = 0, deliveries = 0;
        if (sent == messages && sustained > 0) {
            long ticks1 = serverTicks();
            sOwn = ticks("/proc/self/stat");
            long s0 = System.nanoTime();
            long sDeadline = s0 + timeoutSeconds * 1_000_000_000L;
            try {
                for (int i = messages; i < total; i++) {
                    sentAt[i] = say(senderOut, i);
                    sentS++;
                }
            } catch (IOException e) {
                log("sustained: the sender's write failed: " + e);
            }
            boolean all_ = true;
            for (int i = messages; i < messages + sentS; i++) {
                long left = sDeadline - System.nanoTime();
                if (!latches[i].await(Math.max(left, 0), TimeUnit.NANOSECONDS)) {
                    all_ = false;
                    break;
                }
            }
            long end = System.nanoTime();
            sTicks = serverTicks() - ticks1;
            sOwn = ticks("/proc/self/stat") - sOwn;
            long last = 0;
            for (int i = messages; i < messages + sentS; i++) {
                deliveries += members - latches[i].getCount();
            }
            if (all_) {
                for (Member m : all) {
                    for (int i = messages; i < messages + sentS; i++) last = Math.max(last, m.recv[i]);
                }
            } else {
                last = end;
                log("sustained: not every member had every message after " + timeoutSeconds + " s");
            }
            sWall = last - s0;
        }
        long perS = sWall > 0 ? deliveries * 1_000_000_000L / sWall : 0;
        out("SUSTAINED messages=" + sustained + " sent=" + sentS + " deliveries=" + deliveries + " wall_us="
                + sWall / 1000 + " per_s=" + perS + " srv_ticks=" + sTicks + " cli_ticks=" + sOwn);
        log("sustained: " + deliveries + " deliveries of " + sentS + " messages in " + sWall / 1_000_000 + " ms = "
                + perS + "/s");

        // ---- 4. report and close ----
        long lost = 0;
        for (int i = 0; i < total; i++) lost += latches[i].getCount();  // unsent ones count too
        String mem = serverMemory();
        closing = true;
        selector.wakeup();
        reader.join(10_000);
        closeAll(all, sender);
        selector.close();
        int disc = disconnected.get();
        out("DONE members=" + members + " joined=" + in + " lost=" + lost + " disconnected=" + disc + " duplicates="
                + duplicates.sum() + " unexpected=" + unexpected.sum() + mem);
        if (lost > 0 || disc > 0) log("lost " + lost + " deliveries; " + disc + " members disconnected; " + errors);
        return lost == 0 && disc == 0 && duplicates.sum() == 0 ? 0 : 1;
    }

    /**
     * The selector thread: opens the members' connections (at most 256 connects and handshakes
     * in flight), runs each handshake, then reads and parses every member's lines until closing.
     */
    static void readAll(Selector selector, Member[] all, InetSocketAddress target, InetAddress[] src)
            throws IOException {
        int next = 0, inFlight = 0;
        while (!closing) {
            while (next < all.length && inFlight < 256 && !closing) {
                Member m = all[next];
                InetAddress from = src.length > 0 ? src[next % src.length] : null;
                next++;
                try {
                    SocketChannel ch = m.channel = SocketChannel.open();
                    ch.configureBlocking(false);
                    if (from != null) ch.bind(new InetSocketAddress(from, 0));
                    ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                    m.lines = new Lines(null);
                    boolean now = ch.connect(target);
                    m.state = now ? State.WELCOME : State.CONNECTING;
                    ch.register(selector, now ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, m);
                    inFlight++;
                } catch (IOException e) {
                    joinFailed(m, "connect: ", e);
                    if (String.valueOf(e.getMessage()).contains("Too many open files")) {
                        for (; next < all.length; next++) joinFailed(all[next], "connect: ", e);
                    }
                }
            }
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                Member m = (Member) key.attachment();
                State before = m.state;
                try {
                    if (m.state == State.CONNECTING) {
                        if (m.channel.finishConnect()) {
                            m.state = State.WELCOME;
                            key.interestOps(SelectionKey.OP_READ);
                        }
                        continue;
                    }
                    if (m.lines.fill(m.channel) < 0) {
                        key.cancel();
                        if (m.state == State.IN_ROOM) {
                            if (!closing && disconnected.incrementAndGet() <= 5) log("member " + m.nick + " was disconnected");
                        } else {
                            joinFailed(m, "", new IOException("closed in state " + m.state));
                        }
                    } else {
                        int end;
                        while (m.state != State.FAILED && (end = m.lines.buffered()) >= 0) lineOf(m, end);
                    }
                } catch (IOException e) {
                    key.cancel();
                    if (m.state == State.IN_ROOM) {
                        if (!closing) {
                            noteError("read: ", e);
                            if (disconnected.incrementAndGet() <= 5) log("member " + m.nick + " was disconnected: " + e);
                        }
                    } else {
                        joinFailed(m, "", e);
                    }
                }
                if (before != State.IN_ROOM && (m.state == State.IN_ROOM || m.state == State.FAILED)) inFlight--;
            }
            selector.selectedKeys().clear();
        }
    }

    /** One complete line of a member, by the member's state. */
    static void lineOf(Member m, int end) throws IOException {
        Lines l = m.lines;
        switch (m.state) {
            case WELCOME -> {
                if (!l.startsWith(end, WELCOME)) throw new IOException("unexpected first line: " + l.text(end));
                ByteBuffer b = ByteBuffer.wrap((m.nick + "\n").getBytes(StandardCharsets.US_ASCII));
                m.channel.write(b);  // a few bytes on a fresh socket: all fit
                if (b.hasRemaining()) throw new IOException("could not send the nick");
                m.state = State.NICK;
            }
            case NICK -> {
                if (l.startsWith(end, YOU_ARE)) {
                    m.state = State.IN_ROOM;
                    joinedCount.incrementAndGet();
                    joined.countDown();
                } else if (!line(m, l, end)) {
                    throw new IOException("answer to the nick: " + l.text(end));
                }
            }
            case IN_ROOM -> {
                if (!line(m, l, end)) {
                    unexpected.increment();
                    if (unexpected.sum() <= 5 && !closing) log(m.nick + " read an unexpected line: " + l.text(end));
                }
            }
            default -> { }
        }
    }

    static void joinFailed(Member m, String where, Exception e) {
        m.state = State.FAILED;
        joinErrors.incrementAndGet();
        noteError(where, e);
        if (m.channel != null) {
            try {
                m.channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** The sender's handshake, blocking: welcome, nick, "* you are". */
    static Lines handshake(Member m, InetSocketAddress target, InetAddress from) throws IOException {
        Socket s = new Socket();
        m.socket = s;
        if (from != null) s.bind(new InetSocketAddress(from, 0));
        s.connect(target, 30_000);
        s.setTcpNoDelay(true);
        Lines lines = new Lines(s.getInputStream());
        int end = lines.next();
        if (end < 0) throw new IOException("closed before the welcome line");
        if (!lines.startsWith(end, WELCOME)) throw new IOException("unexpected first line: " + lines.text(end));
        s.getOutputStream().write((m.nick + "\n").getBytes(StandardCharsets.US_ASCII));
        while (true) {
            end = lines.next();
            if (end < 0) throw new IOException("closed before \"* you are\"");
            if (lines.startsWith(end, YOU_ARE)) break;
            if (!line(m, lines, end)) throw new IOException("answer to the nick: " + lines.text(end));
        }
        return lines;
    }

    static void readLoop(Member m, Lines lines) throws IOException {
        int end;
        while ((end = lines.next()) >= 0) {
            if (!line(m, lines, end)) {
                unexpected.increment();
                if (unexpected.sum() <= 5) log(m.nick + " read an unexpected line: " + lines.text(end));
            }
        }
    }

    /** Handles one line; false when it is none of the expected kinds. */
    static boolean line(Member m, Lines l, int end) {
        if (l.startsWith(end, MSG_PREFIX)) {
            int i = l.start + MSG_PREFIX.length, id = 0;
            while (i < end && l.buf[i] >= '0' && l.buf[i] <= '9') id = id * 10 + (l.buf[i++] - '0');
            CountDownLatch[] r = received;
            if (r == null || id >= total || m.index < 0) return false;
            if (m.recv[id] != 0) {
                duplicates.increment();
                return true;
            }
            m.recv[id] = l.readAt;
            r[id].countDown();
            return true;
        }
        if (l.equals(end, SYNC)) {
            if (m.index >= 0) drained.countDown();
            return true;
        }
        // join notices, and the server's count of those it skipped for a member that was behind
        if (end - l.start > 2 && l.buf[l.start] == '*' && (l.endsWith(end, JOINED_SUFFIX) || l.endsWith(end, SKIPPED_SUFFIX))) {
            notices.increment();
            return true;
        }
        return false;
    }

    /** The sender joins last; its own reader thread drains what it is sent (nothing, normally). */
    static OutputStream senderJoin(Member sender, InetSocketAddress target, InetAddress from) throws IOException {
        Lines lines = handshake(sender, target, from);
        Thread.ofVirtual().name("sender-reader").start(() -> {
            try {
                readLoop(sender, lines);
            } catch (IOException e) {
                if (!closing) noteError("sender read: ", e);
            }
            if (!closing) {
                disconnected.incrementAndGet();
                log("the sender was disconnected");
            }
        });
        return sender.socket.getOutputStream();
    }

    /** Sends message {@code id} as the sender; returns the nanoTime just before the write. */
    static long say(OutputStream out, int id) throws IOException {
        long t = System.nanoTime();
        out.write(("msg " + id + " t=" + t + "\n").getBytes(StandardCharsets.US_ASCII));
        return t;
    }

    static void closeAll(Member[] all, Member sender) {
        closing = true;
        close(sender.socket);
        for (Member m : all) {
            if (m != null && m.channel != null) {
                try {
                    m.channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    static void close(Socket s) {
        if (s == null) return;
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Nearest-rank percentile of sorted values, in microseconds; 0 when empty. */
    static long pct(long[] sorted, int p) {
        if (sorted.length == 0) return 0;
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1000;
    }

    /** The server's user+system CPU time in clock ticks, or 0 without --server-pid. */
    static long serverTicks() {
        return serverPid < 0 ? 0 : ticks("/proc/" + serverPid + "/stat");
    }

    /** User+system CPU time in clock ticks of the process whose stat file this is; 0 if unreadable. */
    static long ticks(String statFile) {
        return ticks(statFile, true);
    }

    /** Like {@link #ticks(String)}; without user, system time alone. */
    static long ticks(String statFile, boolean user) {
        try {
            String stat = Files.readString(Path.of(statFile));
            String[] f = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
            return (user ? Long.parseLong(f[11]) : 0) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** " rss_kib=.. hwm_kib=.." of the server, empty without --server-pid. */
    static String serverMemory() {
        if (serverPid < 0) return "";
        long rss = -1, hwm = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + serverPid + "/status"))) {
                if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                if (line.startsWith("VmHWM:")) hwm = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | RuntimeException e) {
            // reported as missing
        }
        return (rss < 0 ? "" : " rss_kib=" + rss) + (hwm < 0 ? "" : " hwm_kib=" + hwm);
    }

    static void noteError(String where, Exception e) {
        errors.merge(where + e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
    }

    static void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
            String v = args[++i];
            switch (a) {
                case "--host" -> host = v;
                case "--port" -> port = intArg(a, v, 1, 65535);
                case "--members" -> members = intArg(a, v, 1, 1_000_000);
                case "--sources" -> sources = intArg(a, v, 0, 253);
                case "--messages" -> messages = intArg(a, v, 1, 1_000_000);
                case "--sustained" -> sustained = intArg(a, v, 0, 1_000_000);
                case "--timeout" -> timeoutSeconds = intArg(a, v, 1, 86_400);
                case "--message-timeout" -> messageTimeoutSeconds = intArg(a, v, 1, 3_600);
                case "--server-pid" -> serverPid = intArg(a, v, 1, Integer.MAX_VALUE);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (port < 0) throw new IllegalArgumentException("--port is required");
        if (members < 0) throw new IllegalArgumentException("--members is required");
    }

    static int intArg(String name, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + " " + v + ": expected an integer in " + min + ".." + max);
    }

    static void out(String line) {
        System.out.println(line);
        System.out.flush();
    }

    static void log(String line) {
        System.err.println("[ChatFanout] " + line);
    }
}
