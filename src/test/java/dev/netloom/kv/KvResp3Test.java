package dev.netloom.kv;

import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.netloom.kv.KvPubSubTest.bulk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RESP3 after HELLO 3, byte for byte. The expected replies were captured from redis-server
 * 7.0.15 (Debian's) over a raw socket after HELLO 3; only HELLO's version and id are netloom's.
 */
class KvResp3Test {

    @TempDir
    Path dir;
    Service kv;

    @BeforeEach
    void start() {
        kv = Net.start(KvService.type(), "dir=" + dir);
    }

    @AfterEach
    void stop() {
        kv.close();
    }

    private static String hello(int proto, long id) {
        return (proto == 3 ? "%7\r\n" : "*14\r\n") + bulk("server") + bulk("redis") + bulk("version")
                + bulk(ServerCommands.REDIS_VERSION) + bulk("proto") + ":" + proto + "\r\n" + bulk("id") + ":" + id + "\r\n"
                + bulk("mode") + bulk("standalone") + bulk("role") + bulk("master") + bulk("modules") + "*0\r\n";
    }

    private static long id(RawResp r) throws Exception {
        r.send("CLIENT", "ID");
        String line = r.line();
        return Long.parseLong(line.substring(1));
    }

    @Test
    void helloSwitchesBothWays() throws Exception {
        try (RawResp r = new RawResp(kv.address())) {
            long id = id(r);
            r.call(hello(3, id), "HELLO", "3");
            r.call("_\r\n", "GET", "nokey");
            r.call(hello(2, id), "HELLO", "2");
            r.call("$-1\r\n", "GET", "nokey");
            r.call("-NOPROTO unsupported protocol version\r\n", "HELLO", "4");
            r.call(hello(2, id), "HELLO");
            r.call(hello(3, id), "HELLO", "3");
            r.call("+RESET\r\n", "RESET");
            r.call("$-1\r\n", "GET", "nokey"); // RESET goes back to RESP2
        }
    }

    @Test
    void typedRepliesAsRedis() throws Exception {
        try (RawResp r = new RawResp(kv.address())) {
            long id = id(r);
            r.call(hello(3, id), "HELLO", "3");
            String[][] captured = {
                {":1\r\n", "HSET", "h", "a", "1"}, // one field: kv's hash order is not a listpack's
                {"%1\r\n$1\r\na\r\n$1\r\n1\r\n", "HGETALL", "h"},
                {"%0\r\n", "HGETALL", "nokey"},
                {":1\r\n", "SADD", "s", "x"},
                {"~1\r\n$1\r\nx\r\n", "SMEMBERS", "s"},
                {"~0\r\n", "SMEMBERS", "nokey"},
                {"~1\r\n$1\r\nx\r\n", "SINTER", "s", "s"},
                {"~1\r\n$1\r\nx\r\n", "SUNION", "s"},
                {"~1\r\n$1\r\nx\r\n", "SDIFF", "s"},
                {"~1\r\n$1\r\nx\r\n", "SPOP", "s", "1"},
                {":2\r\n", "ZADD", "z", "1.5", "a", "2", "b"},
                {",1.5\r\n", "ZSCORE", "z", "a"},
                {"_\r\n", "ZSCORE", "z", "nosuch"},
                {"*2\r\n,1.5\r\n_\r\n", "ZMSCORE", "z", "a", "nosuch"},
                {",3\r\n", "ZINCRBY", "z", "1", "b"},
                {",2.5\r\n", "ZADD", "z", "INCR", "1", "a"},
                {"*2\r\n*2\r\n$1\r\na\r\n,2.5\r\n*2\r\n$1\r\nb\r\n,3\r\n", "ZRANGE", "z", "0", "-1", "WITHSCORES"},
                {"*2\r\n$1\r\na\r\n$1\r\nb\r\n", "ZRANGE", "z", "0", "-1"},
                {"*2\r\n*2\r\n$1\r\na\r\n,2.5\r\n*2\r\n$1\r\nb\r\n,3\r\n", "ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"},
                {"*1\r\n*2\r\n$1\r\nb\r\n,3\r\n", "ZREVRANGE", "z", "0", "0", "WITHSCORES"},
                {"*2\r\n$1\r\na\r\n,2.5\r\n", "ZPOPMIN", "z"},
                {"*1\r\n*2\r\n$1\r\nb\r\n,3\r\n", "ZPOPMAX", "z", "1"},
                {"*0\r\n", "ZPOPMIN", "nokey"},
                {"_\r\n", "GET", "nokey"},
                {"_\r\n", "LPOP", "nokey"},
                {"_\r\n", "LPOP", "nokey", "2"},
                {"%1\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n", "CONFIG", "GET", "maxmemory-policy"},
                {":1\r\n", "EXISTS", "h"},
                {"+PONG\r\n", "PING"},
                {"$3\r\n1.5\r\n", "INCRBYFLOAT", "f", "1.5"},
                {"$3\r\n1-1\r\n", "XADD", "st", "1-1", "f", "v"},
                {"*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "XRANGE", "st", "-", "+"},
            };
            for (String[] c : captured) {
                String[] args = new String[c.length - 1];
                System.arraycopy(c, 1, args, 0, args.length);
                r.call(c[0], args);
            }
            r.send("INFO", "server");
            String head = r.line();
            assertTrue(head.startsWith("="), head);
            int len = Integer.parseInt(head.substring(1));
            String body = r.read(len + 2);
            assertTrue(body.startsWith("txt:# Server\r\n"), body);
            // the same in RESP2, as before HELLO 3
            r.call(hello(2, id), "HELLO", "2");
            r.call("*2\r\n$1\r\na\r\n$1\r\n1\r\n", "HGETALL", "h");
            r.call(":1\r\n", "ZADD", "z", "1", "a");
            r.call("*2\r\n$1\r\na\r\n$1\r\n1\r\n", "ZRANGE", "z", "0", "-1", "WITHSCORES");
            r.call("$1\r\n1\r\n", "ZSCORE", "z", "a");
            r.call("*2\r\n$1\r\na\r\n$1\r\n1\r\n", "ZPOPMIN", "z");
            r.call("*-1\r\n", "LPOP", "nokey", "2");
        }
    }

    @Test
    void pubSubPushesInResp3() throws Exception {
        try (RawResp sub = new RawResp(kv.address()); RawResp pub = new RawResp(kv.address())) {
            sub.send("HELLO", "3");
            sub.line(); // the map's header: its entries follow
            for (int i = 0; i < 14; i++) {
                String l = sub.line();
                if (l.startsWith("$")) {
                    sub.line();
                } else if (l.startsWith("*")) {
                    assertEquals("*0", l);
                }
            }
            // captured from redis-server 7.0.15: push frames, and any command allowed while subscribed
            sub.call(">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n", "SUBSCRIBE", "ch");
            sub.call(">3\r\n$10\r\npsubscribe\r\n$2\r\nc*\r\n:2\r\n", "PSUBSCRIBE", "c*");
            sub.call("+PONG\r\n", "PING");
            sub.call("_\r\n", "GET", "nokey");
            pub.call(":2\r\n", "PUBLISH", "ch", "hi");
            sub.expect(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n>4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$2\r\nhi\r\n");
            sub.call(">3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:1\r\n", "UNSUBSCRIBE");
            sub.call(">3\r\n$12\r\npunsubscribe\r\n$2\r\nc*\r\n:0\r\n", "PUNSUBSCRIBE");
            sub.call(">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n", "UNSUBSCRIBE");
        }
    }
}
