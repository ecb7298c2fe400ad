/**
 * Captured packets and where they come from and go: {@link dev.netloom.monitor.pcap.RawPacket}
 * (one frame and its link type), {@link dev.netloom.monitor.pcap.PacketSource} (a capture file or
 * a live capture), the pcap and pcapng file formats, and the live capture through libpcap.
 */
package dev.netloom.monitor.pcap;
