package dev.netloom.kv;

import dev.netloom.testing.NetloomProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.args.ListDirection;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job-queue pattern end to end, across a crash: a producer LPUSHes jobs (a batch and the
 * count produced in one MULTI, so the count says exactly what is in), 8 workers take them with
 * BLMOVE into a list of their own and acknowledge each with MULTI (LREM from their list, SADD to
 * the done set); netloom runs in its own JVM with {@code appendfsync always} and is killed with
 * SIGKILL mid-way. After the restart whatever sits in a worker's list (taken, not acknowledged)
 * goes back to the queue, the producer goes on from the count, the workers finish: every job is
 * done exactly once (an ack finding its job already done would count a duplicate).
 */
class KvJobQueueTest {

    /**
     * 10,000 by default: with {@code appendfsync always} every BLMOVE and every ack waits for an
     * fsync (grouped across the workers), which takes 1-10 ms on this machine's disk: 10,000
     * jobs take about 15 s here, the 100,000 about 76 s (measured; they pass), so
     * {@code -Dkv.jobqueue.jobs=100000} runs those.
     */
    private static final int JOBS = Integer.getInteger("kv.jobqueue.jobs", 10_000);
    private static final int WORKERS = 8;
    private static final int BATCH = 1000;

    @TempDir
    Path home;

    private NetloomProcess launch(Path dir) throws IOException {
        return NetloomProcess.in(home).start("serve", "kv", "kv.port=0", "kv.dir=" + dir, "kv.appendfsync=always");
    }

    @Test
    void everyJobDoneOnceAcrossSigkill() throws Exception {
        Path dir = home.resolve("kv");
        AtomicLong duplicates = new AtomicLong();
        AtomicInteger acked = new AtomicInteger();
        long started = System.nanoTime();
        try (NetloomProcess first = launch(dir)) {
            int port = first.port("kv");
            List<Thread> threads = run(port, acked, duplicates);
            long end = System.nanoTime() + 60_000_000_000L;
            while (acked.get() < JOBS / 4 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertEquals(137, first.kill(), "killed by SIGKILL");
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
        int beforeCrash = acked.get();
        System.out.printf("job queue: %,d acknowledged before SIGKILL after %,d ms%n", beforeCrash,
                (System.nanoTime() - started) / 1_000_000);
        try (NetloomProcess second = launch(dir); Jedis j = new Jedis("127.0.0.1", second.port("kv"), 10_000)) {
            int port = second.port("kv");
            for (int w = 0; w < WORKERS; w++) { // taken, never acknowledged: back to the queue
                while (j.lmove("processing:" + w, "jobs", ListDirection.LEFT, ListDirection.RIGHT) != null) {
                    // next: they go where the workers take from
                }
            }
            List<Thread> threads = run(port, acked, duplicates);
            threads.get(0).join(120_000); // the producer: then a poison pill per worker, behind every job
            for (int w = 0; w < WORKERS; w++) {
                j.lpush("jobs", "stop");
            }
            for (Thread t : threads) {
                t.join(120_000);
            }
            System.out.printf("job queue: %,d jobs done after %,d ms%n", acked.get(), (System.nanoTime() - started) / 1_000_000);
            assertEquals(0, duplicates.get(), "no job done twice");
            assertEquals(JOBS, j.scard("done"), "every job done");
            assertEquals(0, j.llen("jobs"));
            for (int w = 0; w < WORKERS; w++) {
                assertEquals(0, j.llen("processing:" + w));
            }
            assertEquals(Integer.toString(JOBS), j.get("produced"));
            assertTrue(beforeCrash > 0 && beforeCrash < JOBS, beforeCrash + " acknowledged before the crash");
        }
    }

    /**
     * Starts the producer (from the count produced so far; it keeps at most two batches waiting)
     * and the workers, which stop on a poison pill or when the server goes away.
     */
    private static List<Thread> run(int port, AtomicInteger acked, AtomicLong duplicates) {
        List<Thread> threads = new ArrayList<>();
        threads.add(Thread.ofPlatform().start(() -> {
            try (Jedis j = new Jedis("127.0.0.1", port, 10_000)) {
                String p = j.get("produced");
                int from = p == null ? 0 : Integer.parseInt(p);
                for (int i = from; i < JOBS; i += BATCH) {
                    int to = Math.min(JOBS, i + BATCH);
                    String[] batch = new String[to - i];
                    for (int k = i; k < to; k++) {
                        batch[k - i] = "job:" + k;
                    }
                    while (j.llen("jobs") > 2 * BATCH) {
                        Thread.sleep(2);
                    }
                    Transaction t = j.multi();
                    t.lpush("jobs", batch);
                    t.set("produced", Integer.toString(to));
                    t.exec();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // the server was killed
            }
        }));
        for (int w = 0; w < WORKERS; w++) {
            String mine = "processing:" + w;
            threads.add(Thread.ofPlatform().start(() -> {
                try (Jedis j = new Jedis("127.0.0.1", port, 10_000)) {
                    while (true) {
                        String job = j.blmove("jobs", mine, ListDirection.RIGHT, ListDirection.LEFT, 5);
                        if (job == null) {
                            continue;
                        }
                        if (job.equals("stop")) {
                            j.lrem(mine, 1, job);
                            return;
                        }
                        Transaction t = j.multi();
                        Response<Long> removed = t.lrem(mine, 1, job);
                        Response<Long> added = t.sadd("done", job);
                        t.exec();
                        if (added.get() != 1 || removed.get() != 1) {
                            duplicates.incrementAndGet();
                        }
                        acked.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    System.out.println("job queue: worker stops: " + e); // the server was killed
                }
            }));
        }
        return threads;
    }
}
