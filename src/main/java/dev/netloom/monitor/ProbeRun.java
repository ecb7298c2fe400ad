package dev.netloom.monitor;

import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Probes several targets at once, each on its own virtual thread: probe N of a target goes out
 * {@code (N - 1) × interval} after its first, or as soon as probe N - 1 has ended when that took
 * longer (a probe waits at most {@code timeout}), {@code count} probes or until {@link #close}.
 * {@link #snapshots()} may be read at any time.
 */
public final class ProbeRun implements AutoCloseable {

    private final List<ProbeTarget> targets;
    private final int count;
    private final Duration interval;
    private final Duration timeout;
    private final List<Prober> probers = new ArrayList<>();
    private final List<ProbeStats> stats = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private CountDownLatch done;

    /**
     * A run of {@code count} probes per target (0: until closed), {@code interval} apart, each
     * given up after {@code timeout}.
     */
    public ProbeRun(List<ProbeTarget> targets, int count, Duration interval, Duration timeout) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no target to probe");
        }
        if (count < 0) {
            throw new IllegalArgumentException("-c (count) must be 0 or more, not " + count);
        }
        this.targets = List.copyOf(targets);
        this.count = count;
        this.interval = interval;
        this.timeout = timeout;
    }

    /**
     * Opens a prober per target (resolving its host) and starts probing.
     *
     * @throws IOException naming the target whose prober could not be opened; none is started then
     */
    public void start() throws IOException {
        for (ProbeTarget t : targets) {
            try {
                probers.add(Prober.open(t));
            } catch (IOException e) {
                probers.forEach(Prober::close);
                probers.clear();
                throw new IOException(t + ": " + (e instanceof UnknownHostException ? "unknown host "
                        + t.host() : e.getMessage()), e);
            }
            stats.add(new ProbeStats(t.toString()));
        }
        done = new CountDownLatch(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            Prober p = probers.get(i);
            ProbeStats s = stats.get(i);
            threads.add(Thread.ofVirtual().name("probe-" + targets.get(i)).start(() -> loop(p, s)));
        }
    }

    private void loop(Prober prober, ProbeStats s) {
        try {
            long start = System.nanoTime();
            for (int seq = 1; count == 0 || seq <= count; seq++) {
                long wait = start + (seq - 1) * interval.toNanos() - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                ProbeResult r;
                try {
                    r = prober.probe(seq, timeout);
                } catch (IOException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    r = ProbeResult.error(e.getMessage() != null ? e.getMessage() : e.toString());
                }
                if (Thread.currentThread().isInterrupted()) {
                    return; // stopped while waiting for the answer: the probe did not end
                }
                s.add(r);
            }
        } catch (InterruptedException e) {
            // closed: the statistics stay as they are
        } finally {
            done.countDown();
        }
    }

    /** Waits up to {@code d} for every target's last probe; true when they have all ended. */
    public boolean await(Duration d) throws InterruptedException {
        return done.await(d.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Each target's statistics now, in the order given. */
    public List<ProbeStats.Snapshot> snapshots() {
        return stats.stream().map(ProbeStats::snapshot).toList();
    }

    /** Stops probing (a probe in flight is not counted) and closes the sockets. */
    @Override
    public void close() {
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        probers.forEach(Prober::close);
    }
}
