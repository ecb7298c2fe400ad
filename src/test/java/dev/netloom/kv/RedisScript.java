package dev.netloom.kv;

import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scripts of commands and their expected replies, run against kv and, when redis-server is
 * installed (tests/ensure-tools.sh installs 7.0.15), against a real one, so that the expected
 * replies are checked live. A step is {command, reply}, the reply as {@link #render} writes it:
 * "quoted" bulks, :integers, +status, -errors, nil, [arrays] (a status reply comes as a "bulk"
 * through Jedis); a third column, {@link #KV_ONLY}, marks a step where kv differs from
 * redis-server on purpose (run against kv only).
 *
 * <p>A test class registers one for all its tests ({@code @RegisterExtension static final
 * RedisScript both = new RedisScript();}): both servers start before the first test and stop
 * after the last.
 */
final class RedisScript implements BeforeAllCallback, AfterAllCallback {

    /** The third column of a step checked against kv alone. */
    static final String KV_ONLY = "kv only";

    private Service kv;
    private Process redis;
    private int port;

    /** Starts kv, and redis-server on a free port, or none when it is not installed ({@link #available}). */
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        kv = Net.start(KvService.type(), "appendonly=false");
        Path bin = Path.of("/usr/bin/redis-server");
        if (!Files.isExecutable(bin)) {
            return;
        }
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        redis = new ProcessBuilder(bin.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--protected-mode", "no")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return true;
            }
        });
    }

    /** The kv's port. */
    int kvPort() {
        return kv.address().getPort();
    }

    boolean available() {
        return redis != null;
    }

    /** A client of the redis-server (only when {@link #available}). */
    Jedis redis() {
        return jedis(port);
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (kv != null) {
            kv.close();
        }
        if (redis != null) {
            redis.destroy();
            redis.waitFor();
        }
    }

    static Jedis jedis(int port) {
        return new Jedis("127.0.0.1", port, 10_000);
    }

    /**
     * Runs {@code script} on {@code j} (after FLUSHALL); the steps whose reply differs, each with
     * what came. {@code againstRedis} leaves out the {@link #KV_ONLY} steps.
     */
    static List<String> run(Jedis j, String[][] script, boolean againstRedis) {
        j.flushAll();
        List<String> wrong = new ArrayList<>();
        for (String[] step : script) {
            if (againstRedis && step.length > 2) {
                continue;
            }
            String got = send(j, step[0]);
            if (!got.equals(step[1])) {
                wrong.add(step[0] + "\n    expected " + step[1] + "\n    got      " + got);
            }
        }
        return wrong;
    }

    /** Asserts that kv answers every step of {@code script} as written. */
    void assertKvAnswers(String[][] script) {
        try (Jedis j = jedis(kvPort())) {
            List<String> wrong = run(j, script, false);
            assertEquals(List.of(), wrong, String.join("\n", wrong));
        }
    }

    /** Asserts that redis-server 7.0 answers the steps not marked {@link #KV_ONLY} as written (skips without it). */
    void assertRedisAnswers(String[][] script) {
        Assumptions.assumeTrue(available(), "redis-server is not installed (tests/ensure-tools.sh installs it)");
        try (Jedis j = redis()) {
            assertTrue(send(j, "INFO server").contains("redis_version:7.0"), "the judge is redis-server 7.0");
            List<String> wrong = run(j, script, true);
            assertEquals(List.of(), wrong, String.join("\n", wrong));
        }
    }

    /** Words split as redis-cli splits them ({@code \xff} escapes are bytes). */
    private static byte[][] words(String line) {
        List<byte[]> out = new ArrayList<>();
        for (String w : line.split(" ")) {
            byte[] b = new byte[w.length()];
            int n = 0;
            for (int i = 0; i < w.length(); i++) {
                if (w.startsWith("\\x", i)) {
                    b[n++] = (byte) Integer.parseInt(w.substring(i + 2, i + 4), 16);
                    i += 3;
                } else {
                    b[n++] = (byte) w.charAt(i);
                }
            }
            out.add(Arrays.copyOf(b, n));
        }
        return out.toArray(byte[][]::new);
    }

    /** Sends one command; its reply rendered as in a script. */
    static String send(Jedis j, String line) {
        byte[][] w = words(line);
        ProtocolCommand name = () -> w[0];
        try {
            return render(j.sendCommand(name, Arrays.copyOfRange(w, 1, w.length)));
        } catch (JedisDataException e) {
            return "-" + e.getMessage();
        }
    }

    static String render(Object o) {
        if (o == null) {
            return "nil";
        }
        if (o instanceof byte[] b) {
            return "\"" + new String(b, StandardCharsets.ISO_8859_1) + "\"";
        }
        if (o instanceof Long n) {
            return ":" + n;
        }
        if (o instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            l.forEach(x -> parts.add(render(x)));
            return parts.toString();
        }
        return "+" + o;
    }
}
