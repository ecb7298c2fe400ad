package dev.netloom.smtp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.testing.Net;
import dev.netloom.testing.NetloomProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Durability against a real crash: netloom smtp in its own JVM answers 250 to messages sent by
 * four concurrent sessions, then SIGKILL (nothing runs on the way out); a new process on the same
 * store lists every message that got its 250.
 */
class SmtpKillTest {

    @TempDir
    Path home;

    private NetloomProcess launch(Path store) throws IOException {
        return NetloomProcess.in(home).start("serve", "smtp", "smtp.port=0", "smtp.api-port=0", "smtp.store=" + store);
    }

    /** Sends {@code n} messages over one pipelining session; returns the ids of those answered 250. */
    private static List<Long> sendMany(int port, String tag, int n) throws IOException {
        List<Long> ids = new ArrayList<>();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            expect(in, "220");
            out.write("EHLO kill.test\r\n".getBytes(StandardCharsets.US_ASCII));
            expect(in, "250 ");
            for (int i = 0; i < n; i++) {
                out.write(("MAIL FROM:<a@kill.test>\r\nRCPT TO:<b@kill.test>\r\nDATA\r\n").getBytes(StandardCharsets.US_ASCII));
                expect(in, "250 2.1.0");
                expect(in, "250 2.1.5");
                expect(in, "354");
                out.write(("Subject: " + tag + " " + i + "\r\n\r\nbody " + i + "\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
                String ok = expect(in, "250 2.0.0 Ok: queued as ");
                ids.add(Long.parseLong(ok.substring(ok.lastIndexOf(' ') + 1).strip()));
            }
        }
        return ids;
    }

    private static String expect(InputStream in, String prefix) throws IOException {
        String line;
        do {
            line = Net.readLine(in);
            if (line == null) {
                throw new IOException("connection closed waiting for " + prefix);
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        assertTrue(line.startsWith(prefix), line + " (wanted " + prefix + ")");
        return line;
    }

    @Test
    void everyAcknowledgedMessageSurvivesSigkill() throws Exception {
        Path store = home.resolve("db/smtp.db");
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        try (NetloomProcess first = launch(store)) {
            int port = first.port("smtp");
            List<Thread> senders = new ArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (int t = 0; t < 4; t++) {
                int tag = t;
                senders.add(Thread.ofVirtual().start(() -> {
                    try {
                        acknowledged.addAll(sendMany(port, "s" + tag, 150));
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : senders) {
                t.join();
            }
            assertEquals(List.of(), failures);
            first.kill(); // SIGKILL
        }
        assertEquals(600, acknowledged.size());
        try (NetloomProcess second = launch(store)) {
            int api = second.port("smtp-api");
            JsonNode list = new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + api + "/api/messages?limit=1000")).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body());
            Set<Long> stored = new HashSet<>();
            list.get("messages").forEach(m -> stored.add(m.get("id").asLong()));
            assertTrue(stored.containsAll(acknowledged), "every message answered 250 is there");
            assertEquals(600, list.get("total").asLong());
            second.stop();
        }
    }
}
