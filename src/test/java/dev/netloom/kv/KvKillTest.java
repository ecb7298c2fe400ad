package dev.netloom.kv;

import dev.netloom.testing.NetloomProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Durability against a real crash: netloom in its own JVM with {@code appendfsync always}, writes
 * acknowledged, then SIGKILL (no shutdown hook runs, nothing is flushed on the way out); a new
 * process on the same directory has every acknowledged write.
 */
class KvKillTest {

    @TempDir
    Path home;

    private NetloomProcess launch(Path dir) throws IOException {
        return NetloomProcess.in(home).start("serve", "kv", "kv.port=0", "kv.dir=" + dir, "kv.appendfsync=always");
    }

    @Test
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        Path dir = home.resolve("kv");
        int n = 5000;
        try (NetloomProcess first = launch(dir)) {
            try (Jedis j = new Jedis("127.0.0.1", first.port("kv"), 10_000)) {
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
            assertEquals(137, first.kill(), "killed by SIGKILL");
        }
        try (NetloomProcess second = launch(dir); Jedis j = new Jedis("127.0.0.1", second.port("kv"), 10_000)) {
            assertEquals(n + 200 + 1, j.dbSize());
            assertEquals(Integer.toString(n), j.get("acked"));
            assertEquals("value:0", j.get("key:0"));
            assertEquals("value:" + (n - 1), j.get("key:" + (n - 1)));
            assertEquals("199", j.get("one:199"));
        }
    }
}
