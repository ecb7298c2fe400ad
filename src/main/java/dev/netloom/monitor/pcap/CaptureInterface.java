package dev.netloom.monitor.pcap;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A device libpcap can capture on, as pcap_findalldevs lists it (what {@code tcpdump -D}
 * prints): its name (the one to pass to {@link LiveCapture#open}), a description or null, its
 * IPv4 and IPv6 addresses (read on Linux, whose struct sockaddr this knows; empty elsewhere),
 * and its flags.
 */
public record CaptureInterface(String name, String description, List<InetAddress> addresses, boolean loopback,
        boolean up, boolean running) {

    public CaptureInterface {
        addresses = List.copyOf(addresses);
    }

    /** pcap_findalldevs: every device, in libpcap's order. */
    static List<CaptureInterface> findAll() throws CaptureException {
        byte[] errbuf = new byte[Libpcap.ERRBUF_SIZE];
        try (Memory first = new Memory(Native.POINTER_SIZE)) {
            if (Libpcap.pcap_findalldevs(first, errbuf) != 0) {
                throw new CaptureException(CaptureException.Reason.FAILED, "listing interfaces: " + Native.toString(errbuf));
            }
            Pointer all = first.getPointer(0);
            try {
                List<CaptureInterface> found = new ArrayList<>();
                for (Pointer d = all; d != null; d = d.getPointer(0)) {
                    int flags = d.getInt(32);
                    Pointer description = d.getPointer(16);
                    found.add(new CaptureInterface(d.getPointer(8).getString(0),
                            description == null ? null : description.getString(0), addresses(d.getPointer(24)),
                            (flags & Libpcap.IF_LOOPBACK) != 0, (flags & Libpcap.IF_UP) != 0,
                            (flags & Libpcap.IF_RUNNING) != 0));
                }
                return found;
            } finally {
                if (all != null) {
                    Libpcap.pcap_freealldevs(all);
                }
            }
        }
    }

    /** A pcap_addr list's IPv4 (AF_INET 2: sin_addr at 4) and IPv6 (AF_INET6 10: sin6_addr at 8) addresses. */
    private static List<InetAddress> addresses(Pointer first) {
        List<InetAddress> list = new ArrayList<>();
        for (Pointer a = first; a != null && Platform.isLinux(); a = a.getPointer(0)) {
            Pointer sockaddr = a.getPointer(8);
            if (sockaddr == null) {
                continue;
            }
            int family = sockaddr.getShort(0) & 0xffff;
            try {
                if (family == 2) {
                    list.add(InetAddress.getByAddress(sockaddr.getByteArray(4, 4)));
                } else if (family == 10) {
                    list.add(Inet6Address.getByAddress(null, sockaddr.getByteArray(8, 16), sockaddr.getInt(24)));
                }
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return list;
    }
}
