package dev.netloom.monitor.analysis;

/**
 * A TCP or UDP conversation, the same whichever way a packet goes: endpoint A is the source of
 * the first packet seen, as in Wireshark's conversation table. {@link #of} gives the key and
 * whether the packet goes A to B.
 */
public record FlowKey(int ipProtocol, String addressA, int portA, String addressB, int portB) {

    /** The key of {@code p}'s conversation in canonical order (the smaller endpoint first), for lookups. */
    static FlowKey canonical(PacketFacts p) {
        int c = p.src().compareTo(p.dst());
        if (c < 0 || (c == 0 && p.srcPort() <= p.dstPort())) {
            return new FlowKey(p.ipProtocol(), p.src(), p.srcPort(), p.dst(), p.dstPort());
        }
        return new FlowKey(p.ipProtocol(), p.dst(), p.dstPort(), p.src(), p.srcPort());
    }

    /** The key with A as {@code p}'s source. */
    static FlowKey from(PacketFacts p) {
        return new FlowKey(p.ipProtocol(), p.src(), p.srcPort(), p.dst(), p.dstPort());
    }

    /** Whether {@code p} goes from A to B. */
    boolean forward(PacketFacts p) {
        return p.src().equals(addressA) && p.srcPort() == portA && p.dst().equals(addressB) && p.dstPort() == portB;
    }

    /** {@code A:port <-> B:port}, IPv6 addresses in brackets. */
    public String describe() {
        return endpoint(addressA, portA) + " <-> " + endpoint(addressB, portB);
    }

    static String endpoint(String address, int port) {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
