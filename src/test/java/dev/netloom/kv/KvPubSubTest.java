package dev.netloom.kv;

import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pub/sub and keyspace notifications over real sockets: Jedis, and raw RESP for the exact frames (Redis 7.0's). */
class KvPubSubTest {

    @TempDir
    Path dir;
    Service kv;

    @AfterEach
    void stop() {
        if (kv != null) {
            kv.close();
        }
    }

    private Jedis start(String... overrides) {
        String[] all = new String[overrides.length + 1];
        all[0] = "dir=" + dir;
        System.arraycopy(overrides, 0, all, 1, overrides.length);
        kv = Net.start(KvService.type(), all);
        return new Jedis(kv.address().getHostString(), kv.address().getPort(), 10_000);
    }

    private RawResp raw() throws Exception {
        return new RawResp(kv.address());
    }

    static String bulk(String s) {
        return s == null ? "$-1\r\n" : "$" + s.length() + "\r\n" + s + "\r\n";
    }

    static String confirm(String kind, String name, int count) {
        return "*3\r\n" + bulk(kind) + bulk(name) + ":" + count + "\r\n";
    }

    static String message(String channel, String msg) {
        return "*3\r\n" + bulk("message") + bulk(channel) + bulk(msg);
    }

    static String pmessage(String pattern, String channel, String msg) {
        return "*4\r\n" + bulk("pmessage") + bulk(pattern) + bulk(channel) + bulk(msg);
    }

    @Test
    void framesOfSubscribeMessagesAndUnsubscribe() throws Exception {
        try (Jedis jedis = start(); RawResp sub = raw()) {
            sub.send("SUBSCRIBE", "a", "b");
            sub.expect(confirm("subscribe", "a", 1) + confirm("subscribe", "b", 2));
            sub.call(confirm("subscribe", "a", 2), "SUBSCRIBE", "a"); // again: no new subscription
            sub.call(confirm("psubscribe", "n*", 3), "PSUBSCRIBE", "n*");
            assertEquals(1, jedis.publish("a", "hi"));
            sub.expect(message("a", "hi"));
            assertEquals(1, jedis.publish("news", "x"));
            sub.expect(pmessage("n*", "news", "x"));
            assertEquals(0, jedis.publish("zzz", "x"));
            sub.send("UNSUBSCRIBE");
            sub.expect(confirm("unsubscribe", "a", 2) + confirm("unsubscribe", "b", 1));
            sub.call(confirm("punsubscribe", "n*", 0), "PUNSUBSCRIBE");
            sub.call("*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n", "PUNSUBSCRIBE");
            sub.call("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n", "UNSUBSCRIBE");
            sub.call(confirm("unsubscribe", "zz", 0), "UNSUBSCRIBE", "zz");
            sub.call("$-1\r\n", "GET", "k"); // no subscription left: an ordinary client again
            assertEquals(0, jedis.publish("a", "gone"));
        }
    }

    @Test
    void subscribedModeAllowsOnlyPubSubPingQuitReset() throws Exception {
        try (Jedis jedis = start(); RawResp sub = raw()) {
            sub.call(confirm("subscribe", "x", 1), "SUBSCRIBE", "x");
            sub.call("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed"
                    + " in this context\r\n", "GET", "k");
            sub.call("*2\r\n$4\r\npong\r\n$0\r\n\r\n", "PING");
            sub.call("*2\r\n$4\r\npong\r\n$2\r\nhi\r\n", "PING", "hi");
            sub.call("+RESET\r\n", "RESET");
            sub.call("+PONG\r\n", "PING");
            sub.call("$-1\r\n", "GET", "k");
            assertEquals(Map.of("x", 0L), jedis.pubsubNumSub("x"));
            try (RawResp q = raw()) {
                q.call(confirm("subscribe", "y", 1), "SUBSCRIBE", "y");
                q.call("+OK\r\n", "QUIT");
                assertEquals(null, q.line(), "closed after QUIT's reply");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> jedis.pubsubNumSub("y").get("y") == 0);
        }
    }

    @Test
    void introspection() throws Exception {
        try (Jedis jedis = start(); RawResp one = raw(); RawResp two = raw()) {
            one.send("SUBSCRIBE", "c1", "c2").expect(confirm("subscribe", "c1", 1) + confirm("subscribe", "c2", 2));
            two.call(confirm("subscribe", "c1", 1), "SUBSCRIBE", "c1");
            two.call(confirm("psubscribe", "c*", 2), "PSUBSCRIBE", "c*");
            assertEquals(Set.of("c1", "c2"), Set.copyOf(jedis.pubsubChannels()));
            assertEquals(List.of("c2"), jedis.pubsubChannels("*2"));
            assertEquals(Map.of("c1", 2L, "c2", 1L, "c3", 0L), jedis.pubsubNumSub("c1", "c2", "c3"));
            assertEquals(1, jedis.pubsubNumPat());
            assertEquals(3, jedis.publish("c1", "m"), "two channel subscribers and one pattern");
            one.expect(message("c1", "m"));
            two.expect(message("c1", "m") + pmessage("c*", "c1", "m"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try (Jedis j = new Jedis(kv.address().getHostString(), kv.address().getPort())) {
                return j.pubsubChannels().isEmpty() && j.pubsubNumPat() == 0;
            }
        });
    }

    @Test
    void aSubscriberThatNeverReadsIsDisconnectedAndSlowsNobody() throws Exception {
        int n = 8000;
        String payload = "x".repeat(2048);
        try (Jedis publisher = start("client-output-buffer-limit-pubsub=1mb 0 0");
                RawResp stalled = new RawResp(kv.address(), 4096)) {
            stalled.call(confirm("subscribe", "news", 1), "SUBSCRIBE", "news"); // and never reads again
            AtomicInteger got = new AtomicInteger();
            AtomicReference<String> last = new AtomicReference<>();
            JedisPubSub reader = new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    last.set(message.substring(0, message.indexOf(':')));
                    if (got.incrementAndGet() == n) {
                        unsubscribe();
                    }
                }
            };
            Thread t = Thread.ofVirtual().start(() -> {
                try (Jedis j = new Jedis(kv.address().getHostString(), kv.address().getPort(), 20_000)) {
                    j.subscribe(reader, "news");
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.pubsubNumSub("news").get("news") == 2);
            long worst = 0;
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                long receivers = publisher.publish("news", i + ":" + payload);
                worst = Math.max(worst, System.nanoTime() - t0);
                assertTrue(receivers >= 1);
            }
            t.join(Duration.ofSeconds(20));
            assertEquals(n, got.get(), "the reading subscriber got every message");
            assertEquals(Integer.toString(n - 1), last.get(), "in order");
            long bytes = stalled.drain(); // what was in flight, then the end: it was disconnected
            assertTrue(bytes < (long) n * payload.length() / 2, bytes + " bytes reached the stalled subscriber");
            assertEquals(0L, publisher.pubsubNumSub("news").get("news"));
            // a bound far above a publish's cost: it only fails if a publish waited on the stalled socket
            assertTrue(worst < Duration.ofSeconds(2).toNanos(), "slowest PUBLISH took " + worst / 1_000_000 + " ms");
        }
    }

    @Test
    void keyspaceNotifications() throws Exception {
        try (Jedis jedis = start("notify-keyspace-events=KEA"); RawResp events = raw(); RawResp space = raw()) {
            assertEquals(List.of("notify-keyspace-events", "AKE"), jedis.configGet("notify-keyspace-events")
                    .entrySet().stream().flatMap(e -> List.of(e.getKey(), e.getValue()).stream()).toList());
            events.call(confirm("psubscribe", "__keyevent@0__:*", 1), "PSUBSCRIBE", "__keyevent@0__:*");
            space.call(confirm("subscribe", "__keyspace@0__:k", 1), "SUBSCRIBE", "__keyspace@0__:k");
            jedis.set("k", "v", redis.clients.jedis.params.SetParams.setParams().ex(100));
            events.expect(ev("set", "k") + ev("expire", "k"));
            space.expect(message("__keyspace@0__:k", "set") + message("__keyspace@0__:k", "expire"));
            jedis.lpush("l", "a");
            jedis.lpop("l");
            events.expect(ev("lpush", "l") + ev("lpop", "l") + ev("del", "l"));
            jedis.incr("n");
            jedis.hset("h", "f", "v");
            jedis.sadd("s", "m");
            jedis.zadd("z", 1, "m");
            jedis.zincrby("z", 1, "m");
            events.expect(ev("incrby", "n") + ev("hset", "h") + ev("sadd", "s") + ev("zadd", "z") + ev("zincr", "z"));
            jedis.sadd("s", "m"); // changes nothing: no event
            jedis.del("k", "nokey", "h");
            events.expect(ev("del", "k") + ev("del", "h"));
            space.expect(message("__keyspace@0__:k", "del"));
            jedis.psetex("t", 50, "v");
            events.expect(ev("set", "t") + ev("expire", "t") + ev("expired", "t")); // the active expiry
        }
    }

    private static String ev(String event, String key) {
        return pmessage("__keyevent@0__:*", "__keyevent@0__:" + event, key);
    }
}
