package dev.netloom.kv;

import dev.netloom.core.Connection;
import dev.netloom.core.HostPort;
import dev.netloom.core.LatencyHistogram;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.StatsSnapshot;
import dev.netloom.core.StopResult;
import dev.netloom.core.TcpServer;
import dev.netloom.core.WriterPool;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code kv} service: a key-value store that speaks Redis's protocol (RESP2), so redis-cli,
 * redis-benchmark and Redis client libraries use it as if it were Redis, with every write logged
 * to an append-only file ({@link Aof}) and replayed at start.
 *
 * <p>Each connection reads requests on its virtual thread, runs each through the store (one lock:
 * commands are atomic, see {@link KvStore}) and answers a whole pipeline with one write, once the
 * append-only file holds what the replies acknowledge. Over the connection limit a client gets
 * {@code -ERR max number of clients reached}; a request that breaks the protocol gets Redis's
 * {@code -ERR Protocol error: ...} and the connection is closed.
 */
public class KvService extends TcpServer implements KvHost {

    private static final System.Logger LOG = System.getLogger(KvService.class.getName());
    private static final byte[] TOO_MANY = "-ERR max number of clients reached\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Replies buffered past this are written even when more requests of a pipeline are waiting. */
    private static final int FLUSH_AT = 64 * 1024;

    private final KvConfig kv;
    private final KvStore store;
    private final Map<Long, Client> clients = new ConcurrentHashMap<>();
    private final LatencyHistogram latency = counters().latency();
    private Aof aof;
    /** Writes subscribers' queued output (pub/sub; see Subscriber). */
    private volatile WriterPool writers;
    private Thread cron;
    private volatile boolean cronRunning;

    public static ServiceType type() {
        return new ServiceType("kv", "Redis-compatible key-value store (RESP2) with an append-only file",
                ServiceType.Transport.TCP, KvConfig.DEFAULT_PORT, KvConfig.keys(), KvService::new);
    }

    public KvService(Settings settings) {
        super(settings);
        this.kv = KvConfig.from(settings);
        this.store = new KvStore(kv.databases());
    }

    @Override
    protected InetSocketAddress open() throws IOException {
        store.host = this;
        store.maxString = kv.maxBulk();
        store.scriptTimeLimitMillis = kv.busyThreshold().toMillis();
        store.pubsubLimit = kv.pubsubLimit();
        store.notifyKeyspaceEvents(kv.notifyKeyspaceEvents());
        store.params.maxmemory = kv.maxmemory();
        store.params.policy = KvParams.Policy.of(kv.maxmemoryPolicy());
        store.params.samples = kv.maxmemorySamples();
        if (kv.appendonly()) {
            AofLoader.Loaded loaded = AofLoader.load(kv.dir().resolve(Aof.FILE), store);
            LOG.log(Level.INFO, "kv: loaded {0} commands from {1}: {2} keys", loaded.commands(),
                    kv.dir().resolve(Aof.FILE), store.keyCount());
            aof = new Aof(kv.dir(), kv.fsync(), kv.autoPercent(), kv.autoMinSize(), store);
            store.aof = aof;
        }
        cronRunning = true;
        cron = Thread.ofPlatform().name(name() + "-cron").daemon().start(this::cron);
        writers = new WriterPool(name(), Runtime.getRuntime().availableProcessors());
        try {
            return super.open();
        } catch (IOException | RuntimeException e) {
            writers.close();
            stopCron();
            closeAof();
            throw e;
        }
    }

    /** Ten times a second: active expiry, the ops/s sample, and the AOF's flush, fsync and auto rewrite. */
    private void cron() {
        while (cronRunning) {
            try {
                Thread.sleep(100);
                // a bounded number per tick, as Redis's active expire cycle, so clients never wait long
                store.activeExpire(10_000);
                store.sampleOps();
                if (aof != null) {
                    aof.cron();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "kv: cron", e);
            }
        }
    }

    private void stopCron() {
        cronRunning = false;
        if (cron != null) {
            cron.interrupt();
            try {
                cron.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeAof() {
        if (aof != null) {
            try {
                aof.close();
            } catch (IOException e) {
                LOG.log(Level.ERROR, "kv: closing " + aof.file(), e);
            }
        }
    }

    @Override
    protected StopResult shutdown(Duration grace) {
        StopResult r = super.shutdown(grace);
        writers.close();
        stopCron();
        closeAof();
        return r;
    }

    @Override
    protected void serve(Connection c) throws IOException {
        InetSocketAddress remote = c.remote();
        Client client = new Client(c.id(), store, HostPort.format(remote));
        RespReader in = new RespReader(c.reader(16 * 1024), kv.maxBulk());
        OutputStream out = c.out();
        client.localAddress = HostPort.format(c.local());
        client.kill = c::close;
        client.connection = c;
        client.socket = out;
        clients.put(c.id(), client);
        // when each request of a pipeline was parsed, until the write that carries their replies
        long[] parsed = new long[16];
        int pending = 0;
        try {
            while (true) {
                byte[][] argv;
                try {
                    argv = in.next();
                } catch (RespException e) {
                    client.out.error("ERR " + e.getMessage());
                    counters().error();
                    reply(client, out);
                    return;
                }
                if (argv == null) {
                    return;
                }
                if (pending == parsed.length) {
                    parsed = Arrays.copyOf(parsed, pending * 2);
                }
                parsed[pending++] = System.nanoTime();
                if (!c.busy(client)) { // the client shows its last command and name in `conns`
                    return;
                }
                client.lastCommand = argv[0];
                client.lastMillis = System.currentTimeMillis();
                if (client.out.size() > 0 && mayBlock(argv)) {
                    reply(client, out); // a blocked client's Client.out is for the one who serves it (see Blocking)
                }
                store.execute(client, argv);
                Blocking.Blocked blocked = client.blocked;
                if (blocked != null) {
                    if (!store.blocking.await(blocked, in::open)) {
                        return; // the client went away while blocked
                    }
                    parsed[pending - 1] = System.nanoTime(); // the wait is not the command's latency
                }
                if (client.quit || !in.buffered() || client.out.size() >= FLUSH_AT || client.out.streaming()) {
                    reply(client, out);
                    long now = System.nanoTime();
                    for (int i = 0; i < pending; i++) {
                        latency.record(now - parsed[i]);
                    }
                    pending = 0;
                    if (!c.idle() || client.quit) {
                        return;
                    }
                }
            }
        } finally {
            clients.remove(c.id());
            store.disconnected(client);
            store.clientClosed(client);
        }
    }

    /** Whether {@code argv} is a command that may block (BLPOP, XREAD ...). */
    private boolean mayBlock(byte[][] argv) {
        Command cmd = store.table.lookup(argv[0]);
        return cmd != null && cmd.has(CommandFlag.BLOCKING);
    }

    /** Writes the replies, once the append-only file holds what they acknowledge. */
    private void reply(Client client, OutputStream out) throws IOException {
        Subscriber outbox = client.outbox;
        if (outbox != null) {
            reply(client, outbox);
            return;
        }
        if (aof != null) {
            if (!aof.written(client.aofOffset)) {
                // let the other clients that are ready run their commands first: then one write to
                // the file serves them all, as one pass of Redis's event loop does
                Thread.yield();
            }
            aof.await(client.aofOffset);
        }
        client.out.writeTo(out);
    }

    /**
     * Writes the replies of a client that has subscribed: they go through its {@link Subscriber}
     * (most were queued there by the store as their commands ran); after QUIT, once they are out.
     */
    private void reply(Client client, Subscriber outbox) {
        outbox.reply(client.out, client.aofOffset);
        if (client.quit) {
            outbox.finish();
        }
    }

    @Override
    protected void refuse(OutputStream out) throws IOException {
        out.write(TOO_MANY);
    }

    @Override
    public StatsSnapshot stats() {
        StatsSnapshot s = super.stats();
        return new StatsSnapshot(s.uptime(), s.active(), s.total(), s.rejected(), s.bytesIn(), s.bytesOut(),
                store.commands.sum(), s.errors() + store.errors.sum(), s.datagramsIn(), s.datagramsOut(), s.peers(),
                s.latency());
    }

    @Override
    public Map<String, Long> commandCounts() {
        return store.calls.counts();
    }

    @Override
    public List<String> details() {
        List<String> d = new ArrayList<>();
        long keys;
        long volatileKeys;
        store.lock.lock();
        try {
            keys = store.keyCount();
            volatileKeys = store.volatileKeys();
        } finally {
            store.lock.unlock();
        }
        Runtime rt = Runtime.getRuntime();
        d.add(String.format(Locale.ROOT, "%,d keys (%,d with a TTL), %,.0f ops/s, heap in use %s",
                keys, volatileKeys, store.opsPerSecond(), ServerCommands.human(rt.totalMemory() - rt.freeMemory())));
        if (aof != null) {
            d.add(String.format(Locale.ROOT, "AOF %s: %s, appendfsync %s%s", aof.file(),
                    ServerCommands.human(aof.size()), aof.fsync().name().toLowerCase(Locale.ROOT),
                    aof.rewriting() ? ", rewrite in progress" : ""));
        } else {
            d.add("appendonly off: nothing is persisted");
        }
        return d;
    }

    // ---- KvHost ----

    @Override
    public int port() {
        InetSocketAddress a = address();
        return a == null ? 0 : a.getPort();
    }

    @Override
    public long uptimeMillis() {
        return super.stats().uptime().toMillis();
    }

    @Override
    public int connectedClients() {
        return clients.size();
    }

    @Override
    public long totalConnections() {
        return super.stats().total();
    }

    @Override
    public long rejectedConnections() {
        return super.stats().rejected();
    }

    @Override
    public long bytesIn() {
        return super.stats().bytesIn();
    }

    @Override
    public long bytesOut() {
        return super.stats().bytesOut();
    }

    @Override
    public List<Client> clients() {
        return new ArrayList<>(clients.values());
    }

    @Override
    public String config(String name) {
        return switch (name) {
            case "appendonly" -> kv.appendonly() ? "yes" : "no";
            case "appendfsync" -> kv.fsync().name().toLowerCase(Locale.ROOT);
            case "appendfilename" -> Aof.FILE;
            case "dir" -> kv.dir().toString();
            case "save" -> "";
            case "maxclients" -> Integer.toString(config.maxConnections());
            case "timeout" -> Long.toString(config.idleTimeout().toSeconds());
            case "port" -> Integer.toString(port());
            case "bind" -> config.host();
            case "auto-aof-rewrite-percentage" -> Integer.toString(kv.autoPercent());
            case "auto-aof-rewrite-min-size" -> Long.toString(kv.autoMinSize());
            case "proto-max-bulk-len" -> Integer.toString(kv.maxBulk());
            case "databases" -> Integer.toString(kv.databases());
            default -> null;
        };
    }

    @Override
    public WriterPool writers() {
        return writers;
    }

    @Override
    public String rewriteAof() {
        if (aof == null) {
            throw new KvError("ERR appendonly is off for this server (kv.appendonly=false)");
        }
        return aof.startRewrite();
    }

    /** The dataset (tests). */
    KvStore store() {
        return store;
    }

    /** Waits for a running AOF rewrite to finish (tests). */
    void awaitRewrite() throws InterruptedException {
        if (aof != null) {
            aof.awaitRewrite();
        }
    }
}
