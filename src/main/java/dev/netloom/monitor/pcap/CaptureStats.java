package dev.netloom.monitor.pcap;

/**
 * A live capture's counters as libpcap's pcap_stats gives them (since the capture started; on
 * Linux the kernel's packet socket counters): {@code received} packets that passed the filter,
 * {@code dropped} for want of room in the capture buffer, {@code interfaceDropped} by the
 * interface or its driver. Each is a 32-bit counter in libpcap and may wrap.
 */
public record CaptureStats(long received, long dropped, long interfaceDropped) {
}
