package dev.netloom.shell;

import dev.netloom.monitor.decode.DecodedPacket;
import dev.netloom.monitor.decode.PacketDecoder;
import dev.netloom.monitor.decode.TcpdumpFormat;
import dev.netloom.monitor.decode.VerboseFormat;
import dev.netloom.monitor.pcap.CaptureFiles;
import dev.netloom.monitor.pcap.CaptureInterface;
import dev.netloom.monitor.pcap.CaptureStats;
import dev.netloom.monitor.pcap.LinkType;
import dev.netloom.monitor.pcap.LiveCapture;
import dev.netloom.monitor.pcap.PacketSource;
import dev.netloom.monitor.pcap.PcapWriter;
import dev.netloom.monitor.pcap.RawPacket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code monitor capture [-i IF] [-c N] [-s SNAPLEN] [-w FILE] [-v] [-S] [FILTER...]}: a live
 * capture through libpcap, with tcpdump's filter language compiled by libpcap, one line per
 * packet as {@code tcpdump -n} prints it (netloom's decoders), or every field with {@code -v}; with
 * {@code -w} the packets go to a pcap file instead. {@code -r FILE} prints a capture file's
 * packets; {@code -D} lists the interfaces. It ends after {@code -c} packets, on Ctrl-C, or on
 * SIGINT/SIGTERM on the command line, and then prints tcpdump's three counts on stderr.
 */
@Command(name = "capture", description = {"Capture packets with libpcap; print them or write a pcap.",
        "As tcpdump: -i IF (default any), -c N, -s SNAPLEN, -w FILE, a filter in tcpdump's language, -r FILE to read one,"
                + " -D to list interfaces. Needs root or CAP_NET_RAW (the message says what to grant)."})
final class MonitorCaptureCommand extends ShellBound {

    @Option(names = "-i", paramLabel = "IF", description = "the interface (default any: every interface, Linux cooked)")
    String device = "any";

    @Option(names = "-c", paramLabel = "N", description = "stop after N packets")
    Long count;

    @Option(names = "-s", paramLabel = "SNAPLEN", description = "bytes kept of each packet (default 262144)")
    int snapLength = 262_144;

    @Option(names = "-w", paramLabel = "FILE", description = "write the packets to a pcap file instead of printing them")
    Path write;

    @Option(names = "-r", paramLabel = "FILE", description = "read a pcap or pcapng file instead of capturing")
    Path read;

    @Option(names = "-v", description = "print every field of every layer")
    boolean verbose;

    @Option(names = "-S", description = "absolute TCP sequence numbers (default: relative, as tcpdump)")
    boolean absolute;

    @Option(names = "-p", description = "do not put the interface in promiscuous mode")
    boolean notPromiscuous;

    @Option(names = "-B", paramLabel = "BYTES", description = "the kernel's capture buffer (default libpcap's, 2 MiB)")
    int bufferBytes;

    @Option(names = "-D", description = "list the interfaces libpcap can capture on, and stop")
    boolean list;

    @Parameters(paramLabel = "FILTER", arity = "0..*", description = "a filter, e.g. tcp port 8080 (pcap-filter(7))")
    List<String> filter;

    @Override
    public Integer call() throws IOException {
        if (list) {
            return listInterfaces();
        }
        if (count != null && count < 1) {
            throw ShellException.usage("-c must be at least 1, not " + count);
        }
        if (read != null) {
            if (filter != null && !filter.isEmpty()) {
                throw ShellException.usage("a filter applies to a live capture; with -r every packet of the file is read");
            }
            return readFile();
        }
        String expression = filter == null ? "" : String.join(" ", filter);
        LiveCapture capture = LiveCapture.open(device, snapLength, !notPromiscuous, expression, bufferBytes);
        shell.err().println("listening on " + device + ", link-type " + LinkType.name(capture.linkType())
                + ", snapshot length " + snapLength + " bytes");
        shell.err().flush();
        if (count != null) {
            capture.stopAfter(count);
        }
        if (shell.oneCommand() && !shell.interactive()) {
            // on the command line, as tcpdump: SIGINT or SIGTERM end the capture, the counts are
            // printed and netloom exits 0 (a shutdown hook could not change the exit status)
            Thread caller = Thread.currentThread();
            Signal.handle(new Signal("TERM"), sig -> caller.interrupt());
            Signal.handle(new Signal("INT"), sig -> caller.interrupt());
            return run(capture);
        }
        return PingOptions.untilInterrupted(() -> run(capture));
    }

    private int run(LiveCapture capture) throws IOException {
        AtomicLong captured = new AtomicLong();
        IOException[] failure = new IOException[1];
        // a platform thread: pcap_next_ex blocks in native code, which would pin a virtual thread's carrier
        Thread reader = Thread.ofPlatform().name("monitor-capture").daemon().start(() -> {
            try {
                pump(capture, captured);
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        CaptureStats stats = null;
        try {
            reader.join();
        } catch (InterruptedException e) {
            stats = statsOrNull(capture);
            capture.close(); // the reader's next() returns null within 100 ms
            try {
                reader.join(5000);
            } catch (InterruptedException again) {
                Thread.currentThread().interrupt();
            }
        }
        if (stats == null) {
            stats = statsOrNull(capture);
        }
        capture.close();
        PrintWriter err = shell.err();
        err.println(captured.get() + " packets captured");
        if (stats != null) {
            err.println(stats.received() + " packets received by filter");
            err.println(stats.dropped() + " packets dropped by kernel");
        }
        err.flush();
        if (failure[0] != null) {
            throw failure[0];
        }
        return 0;
    }

    private static CaptureStats statsOrNull(LiveCapture capture) {
        try {
            return capture.stats();
        } catch (IOException e) {
            return null;
        }
    }

    private void pump(PacketSource source, AtomicLong captured) throws IOException {
        if (write != null && source instanceof LiveCapture live) {
            // libpcap writes the file itself (pcap_dump), as tcpdump -w: no packet passes through Java
            captured.addAndGet(live.dumpTo(write));
            return;
        }
        if (write != null) {
            try (PcapWriter out = PcapWriter.create(write, source.linkType(), source.snapLength())) {
                for (RawPacket p = source.next(); p != null; p = source.next()) {
                    out.write(p);
                    captured.incrementAndGet();
                }
            }
            return;
        }
        TcpdumpFormat lines = new TcpdumpFormat(ZoneId.systemDefault(), absolute);
        PrintWriter out = shell.out();
        for (RawPacket p = source.next(); p != null; p = source.next()) {
            DecodedPacket d = PacketDecoder.decode(p);
            out.println(verbose ? VerboseFormat.format(d, ZoneId.systemDefault()) : lines.format(d));
            captured.incrementAndGet();
            if (captured.get() % 64 == 0) {
                out.flush();
            }
        }
        out.flush();
    }

    private int readFile() throws IOException {
        try (PacketSource in = CaptureFiles.open(read, Integer.MAX_VALUE)) {
            shell.err().println("reading from file " + read + ", link-type " + LinkType.name(in.linkType())
                    + ", snapshot length " + in.snapLength());
            shell.err().flush();
            AtomicLong n = new AtomicLong();
            PacketSource bounded = count == null ? in : new PacketSource() {
                @Override
                public RawPacket next() throws IOException {
                    return n.get() >= count ? null : in.next();
                }

                @Override
                public int linkType() {
                    return in.linkType();
                }

                @Override
                public int snapLength() {
                    return in.snapLength();
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
            pump(bounded, n);
        }
        return 0;
    }

    private int listInterfaces() throws IOException {
        int i = 1;
        for (CaptureInterface c : LiveCapture.interfaces()) {
            List<String> flags = new ArrayList<>();
            if (c.up()) {
                flags.add("Up");
            }
            if (c.running()) {
                flags.add("Running");
            }
            if (c.loopback()) {
                flags.add("Loopback");
            }
            shell.out().println(i++ + "." + c.name() + (c.description() == null || c.description().isBlank() ? ""
                    : " (" + c.description() + ")") + " [" + String.join(", ", flags) + "]");
        }
        shell.out().flush();
        return 0;
    }
}
