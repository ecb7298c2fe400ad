/**
 * Captured packets and where they come from and go: {@link dev.netloom.monitor.pcap.RawPacket}
 * (one frame and its link type), {@link dev.netloom.monitor.pcap.PacketSource} (a capture file or
 * a live capture), the pcap and pcapng file formats, and the live capture through libpcap.
 *
 * <p>Files: {@link dev.netloom.monitor.pcap.CaptureFiles#open} tells the two formats apart by
 * their magic. {@link dev.netloom.monitor.pcap.PcapReader} and
 * {@link dev.netloom.monitor.pcap.PcapWriter} follow the classic pcap format of libpcap
 * (pcap-savefile(5), draft-ietf-opsawg-pcap): both byte orders and the microsecond and nanosecond
 * magics are read; the writer writes this host's order, microseconds by default as tcpdump -w does.
 * {@link dev.netloom.monitor.pcap.PcapngReader} follows draft-ietf-opsawg-pcapng: sections in
 * either byte order, interfaces with if_tsresol and if_tsoffset, Enhanced, Simple and obsolete
 * Packet Blocks; other blocks are skipped. A malformed or cut file ends with an IOException that
 * names the byte offset and what was wrong.
 *
 * <p>Live capture: {@link dev.netloom.monitor.pcap.LiveCapture} calls the system's libpcap (1.x,
 * the libpcap0.8 package on Debian) through JNA ({@link dev.netloom.monitor.pcap.Libpcap} says
 * why JNA); filters are tcpdump's language, compiled by libpcap into the kernel's BPF. Capture
 * needs root or CAP_NET_RAW and CAP_NET_ADMIN; without them the
 * {@link dev.netloom.monitor.pcap.CaptureException} says what to grant.
 *
 * <p>Left out: writing pcapng (and so the comments, name resolution and statistics blocks a
 * writer would add), reading the modified ("Kuznetzov") pcap and the pcapng options other than
 * if_name, if_tsresol and if_tsoffset (epb_flags, comments, hashes), compressed files, remote
 * capture (rpcap), capture from several interfaces at once other than libpcap's "any", monitor
 * mode, injecting packets, time-stamp types other than the default, and pcap_dispatch batching.
 * The packets' contents are decoded in {@code dev.netloom.monitor.decode}, not here.
 */
package dev.netloom.monitor.pcap;
