package dev.netloom.monitor.pcap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Capture files judged by their makers: files our {@link PcapWriter} wrote, read by tshark and
 * tcpdump; files tcpdump, dumpcap and tshark wrote of real traffic on lo, read by us and compared
 * frame by frame (wire length, captured length, timestamp) with what tshark reads in them.
 */
@Timeout(120)
class CaptureFilesPeerTest {

    private static final long T0 = 1_765_000_000_123_456_789L;
    /** The least a 5-line echo exchange puts on the wire: 3 handshake segments, 5 lines, 5 echoes. */
    private static final int LEAST_FRAMES = 13;

    @TempDir
    Path dir;

    @Test
    void writtenPcapIsReadAlikeByTsharkAndTcpdump() throws Exception {
        Peers.require("tshark", "tshark");
        Peers.require("tcpdump", "tcpdump");
        for (boolean nanos : new boolean[] {false, true}) {
            Path file = dir.resolve(nanos ? "ours-ns.pcap" : "ours.pcap");
            List<RawPacket> packets = handMade();
            try (PcapWriter w = PcapWriter.create(file, LinkType.ETHERNET, 200, nanos)) {
                for (RawPacket p : packets) {
                    w.write(p);
                }
            }
            List<long[]> expected = new ArrayList<>();
            for (RawPacket p : packets) {
                long t = nanos ? p.epochNanos() : p.epochNanos() / 1000 * 1000;
                expected.add(new long[] {p.originalLength(), Math.min(200, p.capturedLength()), t});
            }
            Peers.assertSameFrames(Peers.tsharkFrames(file), expected, "tshark on " + file.getFileName());
            String tcpdump = Peers.run(dir, Duration.ofSeconds(30), "tcpdump", "-r", file.toString(), "-tt", "-n",
                    "--time-stamp-precision=" + (nanos ? "nano" : "micro"));
            List<Long> times = tcpdump.lines().filter(l -> l.matches("^\\d+\\.\\d+ .*"))
                    .map(l -> Peers.epochNanos(l.substring(0, l.indexOf(' ')))).toList();
            assertEquals(expected.stream().map(e -> e[2]).toList(), times, "tcpdump's timestamps");
            Peers.assertSameFrames(expected, Peers.ourFrames(file), "read back");
        }
    }

    @Test
    void tcpdumpPcapOfEchoTraffic() throws Exception {
        Peers.require("tcpdump", "tcpdump");
        Peers.require("tshark", "tshark");
        Path file = dir.resolve("tcpdump.pcap");
        captureEcho(file, "listening on", "tcpdump", "-i", "lo", "-n", "-U", "--immediate-mode", "-Z", "root",
                "-w", file.toString());
        assertInstanceOf(PcapReader.class, CaptureFiles.open(file)).close();
        Peers.assertSameFrames(Peers.tsharkFrames(file), Peers.ourFrames(file), "tcpdump -w");
    }

    @Test
    void dumpcapPcapngAndTsharkPcapAndNanosecondPcapOfEchoTraffic() throws Exception {
        Peers.require("dumpcap", "tshark");
        Peers.require("tshark", "tshark");
        Path ng = dir.resolve("dumpcap.pcapng");
        captureEcho(ng, "Capturing on", "dumpcap", "-q", "-i", "lo", "-w", ng.toString());
        try (PacketSource in = CaptureFiles.open(ng)) {
            assertEquals(LinkType.ETHERNET, assertInstanceOf(PcapngReader.class, in).linkType());
        }
        Peers.assertSameFrames(Peers.tsharkFrames(ng), Peers.ourFrames(ng), "dumpcap -w (pcapng)");

        Path pcap = dir.resolve("tshark.pcap");
        captureEcho(pcap, "Capture started", "tshark", "-q", "-i", "lo", "-F", "pcap", "-w", pcap.toString());
        assertInstanceOf(PcapReader.class, CaptureFiles.open(pcap)).close();
        Peers.assertSameFrames(Peers.tsharkFrames(pcap), Peers.ourFrames(pcap), "tshark -F pcap -w");

        // A live capture is saved as pcap or pcapng only; tshark converts it to nanosecond pcap.
        Path nsec = dir.resolve("nsec.pcap");
        Peers.run(dir, Duration.ofSeconds(60), "tshark", "-r", ng.toString(), "-F", "nsecpcap", "-w", nsec.toString());
        try (PacketSource in = CaptureFiles.open(nsec)) {
            assertTrue(assertInstanceOf(PcapReader.class, in).nanosecond());
        }
        List<long[]> frames = Peers.tsharkFrames(nsec);
        Peers.assertSameFrames(frames, Peers.ourFrames(nsec), "tshark -F nsecpcap");
        Peers.assertSameFrames(frames, Peers.ourFrames(ng), "the same frames, pcapng and nanosecond pcap");
        assertTrue(frames.stream().anyMatch(f -> f[2] % 1000 != 0), "dumpcap captures in nanoseconds on Linux");
    }

    /**
     * Runs {@code command} (a capture to {@code file} on lo, filtered to the echo port) until it
     * has said {@code ready} and its file holds at least an echo exchange's frames, then stops it.
     */
    private void captureEcho(Path file, String ready, String... command) throws Exception {
        try (EchoTraffic echo = new EchoTraffic()) {
            List<String> args = new ArrayList<>(List.of(command));
            args.add(command[0].equals("tcpdump") ? "tcp port " + echo.port() : "-f");
            if (!command[0].equals("tcpdump")) {
                args.add("tcp port " + echo.port());
            }
            Path err = dir.resolve(file.getFileName() + ".err");
            Process capture = Peers.start(err, args.toArray(String[]::new));
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(err).contains(ready)
                        || !capture.isAlive());
                assertTrue(capture.isAlive(), () -> command[0] + " ended: " + Peers.read(err));
                // "Capturing on" may come a moment before the capture does: talk until the file shows it.
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> {
                            echo.exchange("peer", 5);
                            return Peers.ourFrames(file).size() >= LEAST_FRAMES;
                        });
            } finally {
                Peers.stop(capture);
            }
        }
    }

    private static List<RawPacket> handMade() {
        List<RawPacket> list = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            byte[] frame = new byte[60 + i * 97];
            // Ethernet: broadcast to a local MAC, the IEEE's local experimental ethertype 0x88b5.
            for (int b = 0; b < 6; b++) {
                frame[b] = (byte) 0xff;
                frame[6 + b] = (byte) (b == 0 ? 2 : i);
            }
            frame[12] = (byte) 0x88;
            frame[13] = (byte) 0xb5;
            list.add(new RawPacket(T0 + i * 250_000_777L, frame.length + (i % 4 == 0 ? 40 : 0), LinkType.ETHERNET,
                    frame));
        }
        return list;
    }
}
