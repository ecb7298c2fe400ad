package dev.netloom.monitor.pcap;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A live capture on one interface through the system's libpcap ({@link Libpcap}), as a
 * {@link PacketSource}: {@link #next} blocks until a packet passes the filter and returns null
 * once the capture is closed or {@link #stopAfter} packets have been returned.
 *
 * <p>libpcap hands packets over in blocks of its ring buffer, at the latest after a 100 ms
 * packet-buffer timeout (as tcpdump -w, no immediate mode: the cheaper way for the CPU). Each
 * packet costs one call of pcap_next_ex and three copies out of native memory (the two pointers
 * it returns, the 24-byte header, the bytes into a fresh array): about 1 µs of the reading
 * thread's CPU once compiled, where tcpdump -w spends about 0.35 µs (lo, snaplen 96, 4 GiB in
 * 64 KiB segments, 2 cores).
 *
 * <p>Threads: one thread reads ({@code next} calls are serialized); any thread may call
 * {@link #stats} and {@link #close}. Closing calls pcap_breakloop, which wakes a pcap_next_ex
 * blocked in the kernel (libpcap 1.10 and later on Linux; on older ones the capture runs in
 * immediate mode with the 100 ms timeout, so the reading thread sees the close within it), then
 * waits for the reading thread to leave libpcap before pcap_close frees the handle.
 */
public final class LiveCapture implements PacketSource {

    /** The packet-buffer timeout: packets wait in the kernel at most this long. */
    public static final int TIMEOUT_MILLIS = 100;
    private static final System.Logger LOG = System.getLogger(LiveCapture.class.getName());
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final String device;
    private final int snapLength;
    private final int linkType;
    private final boolean nanos;
    private final Pointer handle;
    private final Memory slots = new Memory(16);
    private final Pointer dataSlot = slots.share(8);
    private final long[] addresses = new long[2];
    private final long[] header = new long[3];
    private final Lock reader = new ReentrantLock();
    private final ReentrantReadWriteLock handleLock = new ReentrantReadWriteLock();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;
    private volatile long limit = Long.MAX_VALUE;
    private volatile long delivered;

    private LiveCapture(String device, int snapLength, Pointer handle, boolean nanos) {
        this.device = device;
        this.snapLength = snapLength;
        this.handle = handle;
        this.nanos = nanos;
        this.linkType = Libpcap.pcap_datalink(handle);
    }

    /**
     * Starts capturing on {@code interfaceName} ("any" for all of them, on Linux).
     *
     * @param snapLength  the most bytes kept of each packet (1-262144)
     * @param promiscuous whether to put the interface in promiscuous mode
     * @param filter      a filter in tcpdump's language (pcap-filter(7)), compiled by libpcap;
     *                    null or blank for every packet
     * @param bufferBytes the kernel ring buffer's size, or 0 for libpcap's default (2 MiB)
     * @throws CaptureException with libpcap's message: not permitted (the message says what to
     *     grant), no such interface, a bad filter, libpcap missing (install libpcap0.8)
     */
    public static LiveCapture open(String interfaceName, int snapLength, boolean promiscuous, String filter,
            int bufferBytes) throws CaptureException {
        if (snapLength <= 0 || snapLength > PcapReader.MAX_CAPTURED) {
            throw new IllegalArgumentException("snapshot length " + snapLength + " not in 1-" + PcapReader.MAX_CAPTURED);
        }
        requireLibrary();
        byte[] errbuf = new byte[Libpcap.ERRBUF_SIZE];
        Pointer p = Libpcap.pcap_create(interfaceName, errbuf);
        if (p == null) {
            throw new CaptureException(CaptureException.Reason.FAILED, "capture on " + interfaceName + ": "
                    + Native.toString(errbuf));
        }
        try {
            Libpcap.pcap_set_snaplen(p, snapLength);
            Libpcap.pcap_set_promisc(p, promiscuous ? 1 : 0);
            Libpcap.pcap_set_timeout(p, TIMEOUT_MILLIS);
            if (!breakloopWakes()) {
                Libpcap.pcap_set_immediate_mode(p, 1);
            }
            if (bufferBytes > 0) {
                Libpcap.pcap_set_buffer_size(p, bufferBytes);
            }
            boolean nanos = Libpcap.pcap_set_tstamp_precision(p, Libpcap.TSTAMP_PRECISION_NANO) == 0;
            int status = Libpcap.pcap_activate(p);
            if (status < 0) {
                throw CaptureErrors.activation(interfaceName, status, Libpcap.pcap_geterr(p));
            }
            if (status > 0) {
                LOG.log(Level.WARNING, "capture on {0}: {1}", interfaceName, Libpcap.pcap_statustostr(status));
            }
            if (filter != null && !filter.isBlank()) {
                setFilter(p, interfaceName, filter);
            }
            return new LiveCapture(interfaceName, snapLength, p, nanos);
        } catch (CaptureException | RuntimeException e) {
            Libpcap.pcap_close(p);
            throw e;
        }
    }

    /** The devices libpcap can capture on, as tcpdump -D lists them. */
    public static List<CaptureInterface> interfaces() throws CaptureException {
        requireLibrary();
        return CaptureInterface.findAll();
    }

    /** The loaded libpcap's version string ("libpcap version 1.10.3 (with TPACKET_V3)"). */
    public static String libraryVersion() throws CaptureException {
        requireLibrary();
        return Libpcap.pcap_lib_version();
    }

    @Override
    public RawPacket next() throws IOException {
        reader.lock();
        try {
            handleLock.readLock().lock();
            try {
                return read();
            } finally {
                handleLock.readLock().unlock();
            }
        } finally {
            reader.unlock();
        }
    }

    private RawPacket read() throws IOException {
        while (!closed && delivered < limit) {
            int status = Libpcap.pcap_next_ex(handle, slots, dataSlot);
            if (status == 1) {
                slots.read(0, addresses, 0, 2);
                new Pointer(addresses[0]).read(0, header, 0, 3);
                int caplen = (int) (LITTLE_ENDIAN ? header[2] : header[2] >>> 32);
                int len = (int) (LITTLE_ENDIAN ? header[2] >>> 32 : header[2]);
                byte[] data = new byte[caplen];
                new Pointer(addresses[1]).read(0, data, 0, caplen);
                long fraction = nanos ? header[1] : header[1] * 1000;
                delivered++;
                return new RawPacket(header[0] * 1_000_000_000L + fraction, Math.max(len, caplen), linkType, 0, data);
            }
            if (status == Libpcap.ERROR_BREAK) {
                break;
            }
            if (status != 0) {
                throw new CaptureException(CaptureException.Reason.FAILED, "capture on " + device + ": "
                        + Libpcap.pcap_geterr(handle));
            }
        }
        return null;
    }

    /**
     * Writes the captured packets to a pcap file with libpcap's own writer, as {@code tcpdump -w}
     * does: {@code pcap_dispatch} with {@code pcap_dump} as its callback, so no packet passes
     * through Java (one JNA call per buffer of packets, not per packet). Returns once the limit set
     * by {@link #stopAfter} is reached or the capture is closed from another thread; the file is
     * flushed and closed, with nanosecond timestamps where the capture has them. Returns the
     * packets written, which {@link #delivered} also counts.
     *
     * @throws CaptureException when libpcap cannot open the file or the capture fails
     */
    public long dumpTo(Path file) throws CaptureException {
        reader.lock();
        try {
            handleLock.readLock().lock();
            try {
                Pointer dumper = Libpcap.pcap_dump_open(handle, file.toString());
                if (dumper == null) {
                    throw new CaptureException(CaptureException.Reason.FAILED, "cannot write " + file + ": "
                            + Libpcap.pcap_geterr(handle));
                }
                long written = 0;
                try {
                    while (!closed && delivered < limit) {
                        long left = limit - delivered;
                        int n = Libpcap.pcap_dispatch(handle, left >= Integer.MAX_VALUE ? -1 : (int) left,
                                Libpcap.PCAP_DUMP, dumper);
                        if (n == Libpcap.ERROR_BREAK) {
                            break;
                        }
                        if (n < 0) {
                            throw new CaptureException(CaptureException.Reason.FAILED, "capture on " + device + ": "
                                    + Libpcap.pcap_geterr(handle));
                        }
                        written += n;
                        delivered += n;
                    }
                } finally {
                    Libpcap.pcap_dump_flush(dumper);
                    Libpcap.pcap_dump_close(dumper);
                }
                return written;
            } finally {
                handleLock.readLock().unlock();
            }
        } finally {
            reader.unlock();
        }
    }

    /**
     * Ends the capture after {@code packets} more have been returned (counted from those returned
     * so far): {@link #next} then returns null, as tcpdump -c stops. May be called from any thread.
     */
    public void stopAfter(long packets) {
        limit = delivered + packets;
    }

    /** Packets {@link #next} has returned so far. */
    public long delivered() {
        return delivered;
    }

    /**
     * The capture's counters (pcap_stats); may be called from any thread while another reads.
     *
     * @throws CaptureException once closed, or if libpcap cannot tell
     */
    public CaptureStats stats() throws CaptureException {
        handleLock.readLock().lock();
        try {
            if (closed) {
                throw new CaptureException(CaptureException.Reason.FAILED, "capture on " + device + " is closed");
            }
            try (Memory stat = new Memory(Libpcap.STAT_SIZE)) {
                if (Libpcap.pcap_stats(handle, stat) != 0) {
                    throw new CaptureException(CaptureException.Reason.FAILED, "capture on " + device + ": "
                            + Libpcap.pcap_geterr(handle));
                }
                return new CaptureStats(stat.getInt(0) & 0xffffffffL, stat.getInt(4) & 0xffffffffL,
                        stat.getInt(8) & 0xffffffffL);
            }
        } finally {
            handleLock.readLock().unlock();
        }
    }

    /** The interface captured on. */
    public String interfaceName() {
        return device;
    }

    @Override
    public int linkType() {
        return linkType;
    }

    @Override
    public int snapLength() {
        return snapLength;
    }

    /**
     * Stops the capture: a {@link #next} waiting in another thread returns null at once (within
     * the 100 ms timeout at worst), then the handle is freed. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        Libpcap.pcap_breakloop(handle);
        boolean locked = false;
        try {
            locked = handleLock.writeLock().tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!locked) {
            // Freeing the handle under a thread still inside libpcap would crash the JVM: leak it.
            LOG.log(Level.WARNING, "capture on {0}: the reading thread did not leave libpcap; handle left open", device);
            return;
        }
        try {
            Libpcap.pcap_close(handle);
            slots.close();
        } finally {
            handleLock.writeLock().unlock();
        }
    }

    private static void requireLibrary() throws CaptureException {
        if (!Libpcap.AVAILABLE) {
            throw CaptureErrors.noLibrary();
        }
    }

    private static void setFilter(Pointer p, String device, String filter) throws CaptureException {
        try (Memory program = new Memory(Libpcap.BPF_PROGRAM_SIZE)) {
            program.clear();
            if (Libpcap.pcap_compile(p, program, filter, 1, Libpcap.NETMASK_UNKNOWN) != 0) {
                throw new CaptureException(CaptureException.Reason.BAD_FILTER, "bad filter \"" + filter + "\": "
                        + Libpcap.pcap_geterr(p));
            }
            try {
                if (Libpcap.pcap_setfilter(p, program) != 0) {
                    throw new CaptureException(CaptureException.Reason.FAILED, "capture on " + device
                            + ": filter not set: " + Libpcap.pcap_geterr(p));
                }
            } finally {
                Libpcap.pcap_freecode(program);
            }
        }
    }

    /** Whether pcap_breakloop wakes a pcap_next_ex blocked in poll: libpcap 1.10 and later. */
    private static boolean breakloopWakes() {
        Matcher m = Pattern.compile("(\\d+)\\.(\\d+)").matcher(String.valueOf(Libpcap.pcap_lib_version()));
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        return major > 1 || major == 1 && Integer.parseInt(m.group(2)) >= 10;
    }
}
