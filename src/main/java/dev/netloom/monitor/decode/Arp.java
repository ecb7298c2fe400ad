package dev.netloom.monitor.decode;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * An ARP packet (RFC 826): hardware and protocol types and address lengths, the operation
 * (1 request, 2 reply, 3/4 RARP) and the four addresses as bytes. For Ethernet + IPv4
 * (6 and 4 bytes) the IP addresses are also available as {@link InetAddress}.
 */
public record Arp(int offset, int hardwareType, int protocolType, int hardwareLength, int protocolLength,
                  int operation, byte[] senderHardware, byte[] senderProtocol, byte[] targetHardware,
                  byte[] targetProtocol) implements Layer {

    /** The ARP operation code of a request. */
    public static final int REQUEST = 1;
    /** The ARP operation code of a reply. */
    public static final int REPLY = 2;

    @Override
    public String path() {
        return "arp";
    }

    /** The header's length: 8 fixed bytes and the four addresses. */
    public int length() {
        return 8 + 2 * hardwareLength + 2 * protocolLength;
    }

    /** The sender's IP address when the protocol addresses are 4 or 16 bytes. */
    public Optional<InetAddress> senderIp() {
        return ip(senderProtocol);
    }

    /** The target's IP address when the protocol addresses are 4 or 16 bytes. */
    public Optional<InetAddress> targetIp() {
        return ip(targetProtocol);
    }

    private static Optional<InetAddress> ip(byte[] b) {
        if (b.length != 4 && b.length != 16) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(b));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
