package dev.netloom.p2p;

import dev.netloom.testing.NetloomProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** netloom p2p as users and scripts run it: separate processes, the command line, signals. */
class P2pProcessTest {

    @TempDir
    Path dir;

    /** A netloom home of its own for each process, LAN discovery off unless asked. */
    private NetloomProcess.Launcher in(String name, String... properties) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        List<String> lines = new ArrayList<>(List.of("p2p.lan=false"));
        lines.addAll(List.of(properties));
        Files.write(home.resolve("netloom.properties"), lines);
        return NetloomProcess.in(home);
    }

    private static String firstLine(NetloomProcess p) {
        return p.awaitOut("\n").lines().findFirst().orElseThrow();
    }

    @Test
    void aSeederAndFourDownloadersAsProcessesThroughARendezvous() throws Exception {
        byte[] data = P2pServiceTest.random(200 << 20, 2);
        Path file = Files.write(dir.resolve("film.bin"), data);
        try (NetloomProcess rv = in("rv").start("serve", "p2p-rendezvous", "p2p-rendezvous.port=0")) {
            rv.awaitOut("p2p-rendezvous listening on");
            String at = "127.0.0.1:" + rv.port("p2p-rendezvous");
            try (NetloomProcess seed = in("seed").start("p2p", "share", file.toString(), "--port", "0", "--rendezvous", at)) {
                String link = firstLine(seed);
                assertTrue(link.matches("netloom://[0-9a-f]{64}/film\\.bin\\?rv=127\\.0\\.0\\.1:\\d+&peer=127\\.0\\.0\\.1:\\d+"), link);
                String viaRendezvous = link.replaceAll("&peer=[^&]*", "");
                List<NetloomProcess> gets = new ArrayList<>();
                try {
                    for (int i = 0; i < 4; i++) {
                        gets.add(in("get" + i).start("p2p", "get", viaRendezvous, "-o", dir.resolve("out" + i).toString(),
                                "--timeout", "120s"));
                    }
                    for (int i = 0; i < 4; i++) {
                        NetloomProcess g = gets.get(i);
                        assertEquals(0, g.waitFor(), g.err());
                        assertTrue(g.out().contains("complete: film.bin, " + data.length + " bytes, every chunk verified"),
                                g.out());
                        assertArrayEquals(data, Files.readAllBytes(dir.resolve("out" + i + "/film.bin")));
                        // the fast exit (ProcessExit) closed the log first: flushed, and no lock file left behind
                        assertTrue(Files.readString(dir.resolve("get" + i + "/logs/netloom.0.log"))
                                .contains("film.bin complete and verified"));
                        assertFalse(Files.exists(dir.resolve("get" + i + "/logs/netloom.0.log.lck")));
                    }
                } finally {
                    for (NetloomProcess g : gets) {
                        g.close();
                    }
                }
                assertEquals(0, seed.stop(), "a share seeds until SIGTERM, then stops gracefully");
                assertTrue(Files.readString(dir.resolve("seed/logs/netloom.0.log")).contains("p2p: stopped, graceful"));
            }
        }
    }

    @Test
    void aDownloadKilledMidwayResumesWhereItWas() throws Exception {
        byte[] data = P2pServiceTest.random(16 << 20, 4);
        Path file = Files.write(dir.resolve("big.bin"), data);
        // through the relay at 2 MB/s, so that the kill comes mid-transfer
        try (NetloomProcess rv = in("rv").start("serve", "p2p-rendezvous", "p2p-rendezvous.port=0",
                "p2p-rendezvous.relay-rate=2m")) {
            rv.awaitOut("p2p-rendezvous listening on");
            String at = "127.0.0.1:" + rv.port("p2p-rendezvous");
            try (NetloomProcess seed = in("seed", "p2p.relay-only=true").start("p2p", "share", file.toString(),
                    "--port", "0", "--rendezvous", at)) {
                String link = firstLine(seed).replaceAll("&peer=[^&]*", "");
                Path out = dir.resolve("out");
                Path state = out.resolve(".big.bin.netloom-part");
                NetloomProcess first = in("get", "p2p.relay-only=true").start("p2p", "get", link, "-o", out.toString());
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(state));
                await().pollDelay(Duration.ofMillis(1500)).until(() -> true); // a few MB more at 2 MB/s
                assertEquals(137, first.kill());
                assertTrue(Files.exists(state), "the state survives the kill");
                NetloomProcess.Result again = in("get", "p2p.relay-only=true").run("p2p", "get", link, "-o", out.toString(),
                        "--timeout", "60s");
                assertEquals(0, again.code(), again.err());
                assertTrue(again.out().contains("relay 1"), again.out());
                Matcher resumed = Pattern.compile("resumed: (\\d+) bytes were here already").matcher(again.out());
                assertTrue(resumed.find() && Long.parseLong(resumed.group(1)) > 1 << 20, again.out());
                assertArrayEquals(data, Files.readAllBytes(out.resolve("big.bin")));
                assertFalse(Files.exists(state), "a complete download leaves no state");
            }
        }
    }

    @Test
    void badLinksAndUnreachablePeersExitNonZeroWithTheReason() throws Exception {
        NetloomProcess.Result bad = in("a").run("p2p", "get", "netloom://nothex/x", "-o", dir.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("link root 'nothex' is not 64 hex digits"), bad.err());
        NetloomProcess.Result none = in("b").run("p2p", "get", "netloom://" + "ab".repeat(32) + "/x?peer=127.0.0.1:1",
                "-o", dir.toString(), "--timeout", "2s");
        assertEquals(1, none.code());
        assertTrue(none.err().contains("not complete after 2.0s: no peer has sent the manifest yet (0 peers connected)"),
                none.err());
    }
}
