package dev.netloom.kv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Durability against a real crash: netloom in its own JVM with {@code appendfsync always}, writes
 * acknowledged, then SIGKILL (no shutdown hook runs, nothing is flushed on the way out); a new
 * process on the same directory has every acknowledged write.
 */
class KvKillTest {

    @TempDir
    Path home;

    private Process launch(Path dir) throws IOException {
        return KvProcess.launch(home, List.of(), "kv.dir=" + dir, "kv.appendfsync=always");
    }

    @Test
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        Path dir = home.resolve("kv");
        int n = 5000;
        Process first = launch(dir);
        try {
            try (Jedis j = new Jedis("127.0.0.1", KvProcess.port(first, null), 10_000)) {
                for (int i = 0; i < 200; i++) {
                    j.set("one:" + i, Integer.toString(i)); // one at a time: each reply waits for its fsync
                }
                Pipeline p = j.pipelined();
                for (int i = 0; i < n; i++) {
                    p.set("key:" + i, "value:" + i);
                    p.incr("acked");
                }
                p.sync(); // every reply received: every write acknowledged
            }
        } finally {
            first.destroyForcibly(); // SIGKILL
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, first.exitValue(), "killed by SIGKILL");
        Process second = launch(dir);
        try (Jedis j = new Jedis("127.0.0.1", KvProcess.port(second, null), 10_000)) {
            assertEquals(n + 200 + 1, j.dbSize());
            assertEquals(Integer.toString(n), j.get("acked"));
            assertEquals("value:0", j.get("key:0"));
            assertEquals("value:" + (n - 1), j.get("key:" + (n - 1)));
            assertEquals("199", j.get("one:199"));
        } finally {
            second.destroy();
            assertTrue(second.waitFor(30, TimeUnit.SECONDS));
        }
    }
}
