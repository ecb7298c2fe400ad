package dev.netloom.monitor;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The /proc/net/dev parser on this machine's file and on hand-made text, and the arithmetic of readings. */
class InterfaceCountersTest {

    private static final String TEXT = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo: 1028010302534 544013334    0    0    0     0          0         0 1028010302534 544013334    0    0    0     0       0          0
              eth0: 90616696    4984    3    7    0     0          0         0   464798    4802    1    2    0     0       0          0
            wlan0:18446744073709551615 1 0 0 0 0 0 0 5 6 0 0 0 0 0 0
            broken: 1 2 3
            veth@x: a b c d e f g h i j k l m n o p
            """;

    @Test
    void readsTheRealFile() throws IOException {
        List<InterfaceCounters> all = InterfaceCounters.read();
        assertTrue(all.stream().anyMatch(c -> c.name().equals("lo")), all.toString());
    }

    @Test
    void parsesHandMadeTextAndSkipsWhatDoesNotFit() {
        List<InterfaceCounters> all = InterfaceCounters.parse(TEXT);
        assertEquals(List.of("lo", "eth0", "wlan0"), all.stream().map(InterfaceCounters::name).toList());
        assertEquals(new InterfaceCounters("eth0", 90616696, 4984, 3, 7, 464798, 4802, 1, 2), all.get(1));
        assertEquals(1028010302534L, all.get(0).rxBytes());
        assertEquals(-1L, all.get(2).rxBytes(), "an unsigned 64-bit counter kept bit for bit"); // 2^64 - 1
        assertEquals(5, all.get(2).txBytes(), "no space after the colon (older kernels)");
    }

    @Test
    void differenceOfTwoReadings() {
        InterfaceCounters a = new InterfaceCounters("eth0", 100, 10, 0, 0, 50, 5, 0, 0);
        InterfaceCounters b = new InterfaceCounters("eth0", 1100, 20, 1, 2, 250, 9, 0, 3);
        assertEquals(new InterfaceCounters("eth0", 1000, 10, 1, 2, 200, 4, 0, 3), b.minus(a));
        assertEquals(b, a.plus(b.minus(a)));
        assertFalse(b.wentDownSince(a));
    }

    @Test
    void aCounterThatWentDownIsAReset() {
        InterfaceCounters before = new InterfaceCounters("eth0", 1_000_000_000_000L, 10, 0, 0, 50, 5, 0, 0);
        InterfaceCounters after = new InterfaceCounters("eth0", 500, 11, 0, 0, 60, 6, 0, 0);
        assertTrue(after.wentDownSince(before));
        InterfaceCounters onlyDrops = new InterfaceCounters("eth0", 1_000_000_000_001L, 10, 0, 0, 50, 5, 0, 0);
        assertFalse(onlyDrops.wentDownSince(before));
        // unsigned: a counter past 2^63 is not lower than one below it
        InterfaceCounters huge = new InterfaceCounters("eth0", Long.MIN_VALUE, 10, 0, 0, 50, 5, 0, 0);
        assertFalse(huge.wentDownSince(before));
        assertTrue(before.wentDownSince(huge));
    }
}
