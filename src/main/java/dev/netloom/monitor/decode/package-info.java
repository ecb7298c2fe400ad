/**
 * Decoding captured packets for the monitor (issue 19): {@link dev.netloom.monitor.decode.PacketDecoder}
 * turns a {@link dev.netloom.monitor.pcap.RawPacket} into a
 * {@link dev.netloom.monitor.decode.DecodedPacket} of {@link dev.netloom.monitor.decode.Layer}s
 * (never throwing: it stops where the bytes do and says why), and
 * {@link dev.netloom.monitor.decode.TcpdumpFormat} and {@link dev.netloom.monitor.decode.VerboseFormat}
 * print them as {@code tcpdump -n} and, in spirit, {@code tshark -V} do.
 *
 * <p>Followed: Ethernet II with IEEE 802.1Q/802.1ad tags, Linux cooked capture v1 and v2, BSD
 * loopback (tcpdump.org's link-layer header types); RFC 826 (ARP); RFC 791 (IPv4, options and
 * fragments); RFC 8200 (IPv6 and its extension headers), RFC 4302's AH layout to skip it; RFC
 * 9293, formerly 793 (TCP), RFC 7323 (window scale, timestamps), RFC 2018 (SACK); RFC 768 (UDP);
 * RFC 792 (ICMP); RFC 4443 (ICMPv6) with RFC 4861's neighbour discovery messages; RFC 1035 (DNS,
 * through {@link dev.netloom.dns.DnsCodec}; mDNS on 5353 the same way); RFC 9112 §3-4 (the HTTP/1.1
 * request and status line). SMTP, FTP, RESP and netloom's chat are summarised by their first line.
 *
 * <p>Left out: checksum verification (fields are kept as sent); IP defragmentation and TCP
 * reassembly (a non-first fragment has no transport layer; a DNS message over TCP is read only
 * when one segment holds it whole; first lines only from one segment); 802.3/LLC/SNAP frames,
 * MPLS, PPP, GRE and other tunnels (decoding stops there, marked unsupported); ESP (encrypted);
 * the packets quoted by ICMPv6 errors; IPv6 jumbograms beyond reading to the capture's end;
 * tcpdump's wording for everything but the common forms (see {@link dev.netloom.monitor.decode.TcpdumpFormat}).
 */
package dev.netloom.monitor.decode;
