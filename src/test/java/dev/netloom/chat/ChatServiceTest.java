package dev.netloom.chat;

import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chat service over real sockets, as netcat users would drive it. */
class ChatServiceTest {

    /** One member: a socket and its lines. */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Client(Service s) throws IOException {
            this(s, 0);
        }

        Client(Service s, int receiveBuffer) throws IOException {
            socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(s.address());
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        static Client named(Service s, String nick) throws IOException {
            Client c = new Client(s);
            assertTrue(c.line().startsWith("* welcome"));
            c.say(nick);
            String you = c.line();
            assertTrue(you.startsWith("* you are " + nick + ", in #lobby"), you);
            return c;
        }

        void say(String text) throws IOException {
            out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
        }

        String line() throws IOException {
            return in.readLine();
        }

        /** Reads until a line equal to {@code want} (skipping others); returns the lines skipped. */
        List<String> until(String want) throws IOException {
            List<String> skipped = new ArrayList<>();
            for (String l = line(); ; l = line()) {
                if (l == null) {
                    throw new IOException("closed before '" + want + "'; got " + skipped);
                }
                if (l.equals(want)) {
                    return skipped;
                }
                skipped.add(l);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static Service start(String... overrides) {
        return Net.start(ChatService.type(), overrides);
    }

    @Test
    void broadcastReachesEveryoneElseInSenderOrder() throws Exception {
        try (Service s = start(); Client a = Client.named(s, "alice"); Client b = Client.named(s, "bob");
             Client c = Client.named(s, "carol")) {
            a.until("* carol joined #lobby");
            b.until("* carol joined #lobby");
            for (int i = 0; i < 300; i++) {
                a.say("line " + i);
            }
            c.say("from carol");
            for (Client r : List.of(b, c)) {
                int next = 0;
                while (next < 300) {
                    String l = r.line();
                    if (l.startsWith("<alice> ")) {
                        assertEquals("<alice> line " + next, l);
                        next++;
                    }
                }
            }
            a.until("<carol> from carol");
            a.say("/me waves");
            b.until("* alice waves");
        }
    }

    @Test
    void privateMessagesReachOnlyTheirTarget() throws Exception {
        try (Service s = start(); Client a = Client.named(s, "alice"); Client b = Client.named(s, "bob");
             Client c = Client.named(s, "carol")) {
            a.say("/msg BOB psst");
            a.until("-> *bob* psst");
            assertTrue(b.until("*alice* psst").stream().noneMatch(l -> l.contains("psst")));
            a.say("/msg nobody hi");
            a.until("ERR no such nick: nobody");
            a.say("/msg bob");
            a.until("ERR usage: /msg NICK TEXT");
            a.say("public");
            List<String> seen = c.until("<alice> public");
            assertTrue(seen.stream().noneMatch(l -> l.contains("psst")), seen.toString());
        }
    }

    @Test
    void nicksAreValidatedUniqueAndChangeable() throws Exception {
        try (Service s = start(); Client a = Client.named(s, "alice"); Client b = new Client(s)) {
            b.line();
            b.say("9lives");
            assertTrue(b.line().startsWith("ERR a nick is a letter"));
            b.say("x".repeat(21));
            assertTrue(b.line().startsWith("ERR a nick is a letter"));
            b.say("ALICE");
            assertEquals("ERR the nick ALICE is taken", b.line());
            b.say("hello everyone");
            assertTrue(b.line().startsWith("ERR a nick is a letter"), "before a nick, a line is a nick");
            b.say("/who");
            assertEquals("ERR pick a nick first: type it, or /nick NAME", b.line());
            b.say("/nick bob");
            assertTrue(b.line().startsWith("* you are bob, in #lobby (2 members)"));
            a.until("* bob joined #lobby");
            b.say("/nick Robert");
            assertEquals("* you are now Robert", b.line());
            a.until("* bob is now Robert");
            b.say("/nick alice");
            assertEquals("ERR the nick alice is taken", b.line());
            a.say("/who");
            a.until("* in #lobby: alice, Robert");
        }
    }

    @Test
    void roomsAreMadeOnDemandAndListed() throws Exception {
        try (Service s = start(); Client a = Client.named(s, "alice"); Client b = Client.named(s, "bob")) {
            a.until("* bob joined #lobby");
            b.say("/join #dev");
            assertEquals("* you are in #dev (1 member)", b.line());
            a.until("* bob left #lobby (to #dev)");
            a.say("only lobby hears this");
            b.say("/rooms");
            assertEquals("* rooms: #dev (1), #lobby (1)", b.line());
            b.say("/who lobby");
            assertEquals("* in #lobby: alice", b.line());
            b.say("/who nowhere");
            assertEquals("ERR no room #nowhere", b.line());
            b.say("/join bad room!");
            assertTrue(b.line().startsWith("ERR usage: /join ROOM"));
            b.say("/frobnicate");
            assertEquals("ERR unknown command /frobnicate (/help lists them)", b.line());
            b.say("/quit");
            assertEquals("* bye", b.line());
            assertEquals(null, b.line(), "closed after /quit");
            a.say("/rooms");
            assertEquals("* rooms: #lobby (1)", a.line(), "an empty room goes away");
        }
    }

    @Test
    void longLinesAndControlCharactersCannotReachOthers() throws Exception {
        try (Service s = start("max-line=64"); Client a = Client.named(s, "alice"); Client b = Client.named(s, "bob")) {
            a.until("* bob joined #lobby");
            b.say("y".repeat(65));
            assertEquals("ERR line too long (max 64 bytes)", b.line());
            b.say("fake\r* alice left #lobby\u001b[2J\u0007");
            assertEquals("<bob> fake\uFFFD* alice left #lobby\uFFFD[2J\uFFFD", a.line());
            // bidi embedding, override and isolate controls would reorder what alice sees
            b.say("x\u202Ay\u202Bz\u202C\u202D\u202E|\u2066\u2067\u2068\u2069 \u200Fok");
            assertEquals("<bob> x\uFFFDy\uFFFDz\uFFFD\uFFFD\uFFFD|\uFFFD\uFFFD\uFFFD\uFFFD \u200Fok", a.line());
            b.say("tab\there, caf\u00e9 \u2603");
            assertEquals("<bob> tab here, caf\u00e9 \u2603", a.line());
        }
    }

    /** The talker says 6,000 lines of 900 bytes (5.4 MB) in batches; quiet must read each in order. */
    private static void talkPastStalled(Client talker, Client quiet) throws IOException {
        String text = "z".repeat(900);
        for (int batch = 0; batch < 60; batch++) {
            for (int i = 0; i < 100; i++) {
                talker.say(text + (batch * 100 + i));
            }
            for (int i = 0; i < 100; i++) {
                String l = quiet.line();
                while (!l.startsWith("<talker>")) {
                    l = quiet.line();
                }
                assertEquals("<talker> " + text + (batch * 100 + i), l);
            }
        }
    }

    @Test
    void aStalledReaderDelaysNobodyAndIsDropped() throws Exception {
        try (Service s = start("queue=200"); Client quiet = Client.named(s, "quiet")) {
            // a member that stops reading: a small receive buffer, so its queue is what fills
            Client stalled = new Client(s, 4096);
            stalled.line();
            stalled.say("stalled");
            stalled.line();
            Client talker = Client.named(s, "talker");
            quiet.until("* talker joined #lobby");
            long start = System.nanoTime();
            talkPastStalled(talker, quiet);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.toSeconds() < 20, "delivery to a reading member took " + took);
            talker.until("* stalled left #lobby (too slow: its queue of 200 lines was full)");
            stalled.close();
        }
    }

    @Test
    void moreStalledMembersThanWritersDelayNobody() throws Exception {
        // overflow=drop keeps the stalled members connected: each holds a writer stuck in a write
        int stalledCount = Runtime.getRuntime().availableProcessors() + 2;
        try (Service s = start("queue=200", "overflow=drop"); Client quiet = Client.named(s, "quiet")) {
            List<Client> stalled = new ArrayList<>();
            for (int i = 0; i < stalledCount; i++) {
                Client c = new Client(s, 4096);
                c.line();
                c.say("stalled" + i);
                c.line();
                stalled.add(c);
            }
            Client talker = Client.named(s, "talker");
            quiet.until("* talker joined #lobby");
            talkPastStalled(talker, quiet);
            String writers = s.details().getLast();
            // one writer stuck on each stalled member: the ticker started more than the base count
            assertTrue(Integer.parseInt(writers.substring(0, writers.indexOf(' '))) >= stalledCount, writers);
            for (Client c : stalled) {
                c.close();
            }
        }
    }

    @Test
    void twoThousandMembersJoiningInABurstAllStayAndGetOneBroadcast() throws Exception {
        int n = 2000;
        // Every member is sent every later member's join notice while nobody reads yet. With a
        // queue 20 times smaller than the room (the default, 1000, is 5 times smaller than the
        // 5,000 of bench/chat-fanout.sh) the join notices must not push anyone out.
        try (Service s = start("queue=100")) {
            List<Client> clients = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    Client c = new Client(s);
                    c.say("m" + i);
                    clients.add(c);
                }
                Client sender = clients.getLast();
                try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    // every member is in the room (its session ran its nick line) before the broadcast
                    CountDownLatch inRoom = new CountDownLatch(n - 1);
                    List<Future<Boolean>> got = new ArrayList<>();
                    for (int i = 0; i < n - 1; i++) {
                        Client c = clients.get(i);
                        String you = "* you are m" + i + ", in #lobby";
                        got.add(pool.submit((Callable<Boolean>) () -> {
                            for (String l = c.line(); !l.startsWith(you); l = c.line()) {
                                // the welcome, and joins of members whose nick was read first
                            }
                            inRoom.countDown();
                            List<String> seen = c.until("<m" + (n - 1) + "> hello all");
                            return seen.stream().noneMatch(l -> l.contains(" left #"));
                        }));
                    }
                    assertTrue(inRoom.await(60, TimeUnit.SECONDS), "members in the room");
                    for (String l = sender.line(); !l.startsWith("* you are m" + (n - 1) + ", in #lobby"); l = sender.line()) {
                        // the welcome
                    }
                    sender.say("hello all");
                    for (Future<Boolean> f : got) {
                        assertTrue(f.get());
                    }
                }
            } finally {
                for (Client c : clients) {
                    c.close();
                }
            }
        }
    }

    private static String flooder(int i) {
        return String.format("y%019d", i);
    }

    @Test
    void presenceNoticesNeverPushAMemberOut() throws Exception {
        try (Service s = start("queue=10"); Client y = Client.named(s, flooder(0))) {
            // x stops reading once it is in: a small receive buffer, so its queue is what fills
            Client x = new Client(s, 4096);
            x.line();
            x.say("x");
            x.line();
            y.until("* x joined #lobby");
            // ~5 MB of nick-change notices for x, more than its socket buffers hold
            int n = 100_000;
            for (int i = 1; i <= n; i += 5) {
                for (int j = i; j < i + 5; j++) {
                    y.say("/nick " + flooder(j));
                }
                for (int j = i; j < i + 5; j++) {
                    assertEquals("* you are now " + flooder(j), y.line());
                }
            }
            y.say("done");
            List<String> seen = x.until("<" + flooder(n) + "> done");
            assertTrue(seen.stream().anyMatch(l -> l.matches(
                    "\\* \\d+ join/leave/nick notices skipped while you were behind; /who lists your room")),
                    seen.subList(Math.max(0, seen.size() - 3), seen.size()).toString());
            x.say("/who");
            assertEquals("* in #lobby: x, " + flooder(n), x.line());
            x.close();
        }
    }

    @Test
    void idleMembersTimeOutOnlyWhenConfigured() throws Exception {
        try (Service s = start("idle-timeout=500ms"); Client a = Client.named(s, "alice")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> a.line() == null);
        }
        try (Service s = start(); Client a = Client.named(s, "alice")) {
            a.socket.setSoTimeout(1500);
            // off by default: 1.5 s of silence and still connected
            Assertions.assertThrows(SocketTimeoutException.class, a::line);
            a.say("/who");
            assertEquals("* in #lobby: alice", a.line());
        }
    }

    @Test
    void killKicksWithANoticeToTheRoom() throws Exception {
        try (Service s = start(); Client a = Client.named(s, "alice"); Client b = Client.named(s, "bob")) {
            a.until("* bob joined #lobby");
            long bobId = s.connections().stream().filter(ci -> ci.activity().startsWith("bob")).findFirst()
                    .orElseThrow().id();
            assertTrue(s.connections().stream().anyMatch(ci -> ci.activity().equals("alice in #lobby")),
                    s.connections().toString());
            assertTrue(s.kill(bobId));
            a.until("* bob left #lobby (kicked)");
        }
    }
}
