package dev.netloom.monitor.decode;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.netloom.monitor.pcap.LinkType;
import dev.netloom.monitor.pcap.RawPacket;

import java.time.ZoneOffset;

/**
 * The decoder and both formats on hostile input: any bytes under any of the link types end in a
 * {@link DecodedPacket} and two strings, never an exception. The first input byte picks the link
 * type, the rest is the frame; the decoder's own safety net (a RuntimeException turned into a
 * "decoder error" stop) counts as a failure here.
 */
class PacketDecoderFuzzTest {

    private static final int[] LINK_TYPES = {LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.LINUX_SLL2,
        LinkType.NULL, LinkType.RAW, LinkType.IPV4, LinkType.IPV6};

    @FuzzTest(maxDuration = "30s")
    void anyBytesDecodeAndPrint(FuzzedDataProvider input) {
        int linkType = LINK_TYPES[input.consumeInt(0, LINK_TYPES.length - 1)];
        byte[] data = input.consumeRemainingAsBytes();
        DecodedPacket p = PacketDecoder.decode(new RawPacket(0, data.length + 7, linkType, data));
        if (p.stopped().filter(s -> s.reason().startsWith("decoder error")).isPresent()) {
            throw new AssertionError(p.stop().reason());
        }
        new TcpdumpFormat(ZoneOffset.UTC, false).format(p);
        VerboseFormat.format(p, ZoneOffset.UTC);
        p.protocolPath();
        p.payload();
    }
}
