package dev.netloom.monitor.pcap;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.lang.System.Logger.Level;

/**
 * The system's libpcap (1.x; tcpdump.org's C library, what tcpdump and dumpcap capture with),
 * bound with JNA's direct mapping: the calls a live capture needs, no more. {@link #AVAILABLE} is
 * false where neither the library nor JNA's own native part can be loaded, and
 * {@link #LOAD_ERROR} then says why.
 *
 * <p>Why JNA: the build targets Java 21, where the Foreign Function and Memory API is still a
 * preview (final only in Java 22), so it cannot be used without --enable-preview in every JVM
 * that runs netloom; JNA is already a dependency (p2p.seal binds libcrypto with it) and its
 * direct mapping costs about a microsecond a call. Why not pcap4j (which also wraps libpcap
 * through JNA): its newest release on Maven Central is 2.0.0-alpha.6 and its last stable one
 * 1.8.2, both years old, and the maintainer has not answered "Moving forward with 2.0.0?"
 * (kaitoy/pcap4j#302, open since January 2023); it brings slf4j and its own packet classes
 * (org.pcap4j.packet), which would duplicate {@code monitor.decode}; and the twenty-odd
 * declarations below are all that is needed.
 *
 * <p>The structures, as laid out on 64-bit Linux (LP64: long and pointers 8 bytes; a 32-bit JVM
 * is refused):
 * <pre>
 *   struct pcap_pkthdr { struct timeval ts; (long tv_sec, long tv_usec: 0, 8)
 *                        bpf_u_int32 caplen; (16)  bpf_u_int32 len; (20) }     24 bytes
 *   struct pcap_stat   { u_int ps_recv; (0)  u_int ps_drop; (4)  u_int ps_ifdrop; (8) }
 *   struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }              16 bytes
 *   struct pcap_if     { next (0), char *name (8), char *description (16),
 *                        struct pcap_addr *addresses (24), bpf_u_int32 flags (32) }
 *   struct pcap_addr   { next (0), addr (8), netmask (16), broadaddr (24), dstaddr (32) }
 * </pre>
 * With nanosecond precision set, {@code tv_usec} holds nanoseconds.
 */
final class Libpcap {

    static final int ERRBUF_SIZE = 256;
    static final int ERROR = -1;
    static final int ERROR_BREAK = -2;
    static final int ERROR_NO_SUCH_DEVICE = -5;
    static final int ERROR_PERM_DENIED = -8;
    static final int ERROR_IFACE_NOT_UP = -9;
    static final int ERROR_PROMISC_PERM_DENIED = -11;
    static final int TSTAMP_PRECISION_NANO = 1;
    static final int NETMASK_UNKNOWN = 0xffffffff;
    static final int IF_LOOPBACK = 1;
    static final int IF_UP = 2;
    static final int IF_RUNNING = 4;
    static final int BPF_PROGRAM_SIZE = 16;
    static final int STAT_SIZE = 16;
    static final String[] NAMES = {"libpcap.so.0.8", "libpcap.so.1", "pcap"};
    static final String LOAD_ERROR;
    static final boolean AVAILABLE;
    /** libpcap's own pcap_dump, as a function pointer for pcap_dispatch's callback (null if not loaded). */
    static final Pointer PCAP_DUMP;
    private static NativeLibrary library;

    static {
        String error;
        try {
            error = load();
        } catch (LinkageError e) {
            error = e.toString();
        }
        AVAILABLE = error == null;
        LOAD_ERROR = error;
        PCAP_DUMP = AVAILABLE ? library.getFunction("pcap_dump") : null;
        if (error != null) {
            System.getLogger(Libpcap.class.getName()).log(Level.DEBUG, "monitor: libpcap not loaded ({0})", error);
        }
    }

    private Libpcap() {
    }

    /** Registers the natives with the first library name that loads; null, or why none did. */
    private static String load() {
        if (Native.LONG_SIZE != 8 || Native.POINTER_SIZE != 8) {
            return "not a 64-bit JVM";
        }
        Throwable last = null;
        for (String name : NAMES) {
            try {
                NativeLibrary lib = NativeLibrary.getInstance(name);
                Native.register(Libpcap.class, lib);
                library = lib;
                return null;
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                last = e;
            }
        }
        return String.valueOf(last);
    }

    static native Pointer pcap_create(String source, byte[] errbuf);

    static native int pcap_set_snaplen(Pointer p, int snaplen);

    static native int pcap_set_promisc(Pointer p, int promisc);

    static native int pcap_set_timeout(Pointer p, int milliseconds);

    static native int pcap_set_immediate_mode(Pointer p, int immediate);

    static native int pcap_set_buffer_size(Pointer p, int bytes);

    static native int pcap_set_tstamp_precision(Pointer p, int precision);

    static native int pcap_activate(Pointer p);

    static native String pcap_geterr(Pointer p);

    static native String pcap_statustostr(int error);

    static native int pcap_compile(Pointer p, Pointer program, String expression, int optimize, int netmask);

    static native int pcap_setfilter(Pointer p, Pointer program);

    static native void pcap_freecode(Pointer program);

    /** {@code header} and {@code data} each point at a pointer-sized slot the call fills. */
    static native int pcap_next_ex(Pointer p, Pointer header, Pointer data);

    static native int pcap_datalink(Pointer p);

    static native int pcap_stats(Pointer p, Pointer stats);

    static native void pcap_breakloop(Pointer p);

    static native void pcap_close(Pointer p);

    static native int pcap_findalldevs(Pointer alldevs, byte[] errbuf);

    static native void pcap_freealldevs(Pointer alldevs);

    static native String pcap_lib_version();

    /** Calls {@code callback(user, header, bytes)} for each packet of one buffer; -2 after pcap_breakloop. */
    static native int pcap_dispatch(Pointer p, int count, Pointer callback, Pointer user);

    static native Pointer pcap_dump_open(Pointer p, String file);

    static native int pcap_dump_flush(Pointer dumper);

    static native void pcap_dump_close(Pointer dumper);
}
