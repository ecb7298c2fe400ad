package dev.netloom.kv;

import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;

/** What kv's Jedis tests share: a server on port 0 with its data in a test's directory, and a client of it. */
final class KvTests {

    private KvTests() {
    }

    /** Starts kv with {@code dir} as its data directory and the given {@code key=value} settings. */
    static Service start(Path dir, String... more) {
        String[] o = new String[more.length + 1];
        o[0] = "dir=" + dir;
        System.arraycopy(more, 0, o, 1, more.length);
        return Net.start(KvService.type(), o);
    }

    static Jedis jedis(Service s) {
        return new Jedis(s.address().getHostString(), s.address().getPort(), 10_000);
    }
}
