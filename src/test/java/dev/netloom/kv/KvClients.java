package dev.netloom.kv;

import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** What the kv tests share: a server in a directory, Jedis to it, and commands sent as they are. */
final class KvClients {

    private KvClients() {
    }

    /** A kv service keeping its files in {@code dir}, with more {@code key=value} settings. */
    static Service start(Path dir, String... more) {
        String[] o = new String[more.length + 1];
        o[0] = "dir=" + dir;
        System.arraycopy(more, 0, o, 1, more.length);
        return Net.start(KvService.type(), o);
    }

    static Jedis jedis(Service s) {
        return new Jedis(s.address().getHostString(), s.address().getPort(), 10_000);
    }

    /** Sends a command as it is and returns Jedis's reading of the reply, bulk and status replies as text. */
    static Object cmd(Jedis j, String... args) {
        return text(j.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8),
                Arrays.copyOfRange(args, 1, args.length)));
    }

    private static Object text(Object r) {
        if (r instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (r instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                out.add(text(o));
            }
            return out;
        }
        return r;
    }

    /** Waits up to 10 s for {@code condition}, failing with {@code what}. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(5);
        }
    }

    /** Runs {@link #cmd} on {@code j} on a virtual thread: its reply, or the exception it threw. */
    static CompletableFuture<Object> background(Jedis j, String... args) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(cmd(j, args));
            } catch (RuntimeException e) {
                f.complete(e);
            }
        });
        return f;
    }
}
