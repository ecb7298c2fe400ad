package dev.netloom.lb;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The balancing algorithms on distribution tables, as issue 17's tests ask. */
class BalancerTest {

    private static List<Backend> pool(String spec) {
        return new ArrayList<>(ServerSpec.parseList(spec).stream().map(Backend::new).toList());
    }

    private static Map<String, Integer> count(Balancer b, List<Backend> up, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(b.pick(up, "key" + i).name(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void serversParseAsLbServersWritesThem() {
        List<ServerSpec> s = ServerSpec.parseList("a=127.0.0.1:9001, b=127.0.0.1:9002*3,c=[::1]:9003*0");
        assertEquals(List.of(new ServerSpec("a", "127.0.0.1", 9001, 1), new ServerSpec("b", "127.0.0.1", 9002, 3),
                new ServerSpec("c", "::1", 9003, 0)), s);
        assertEquals("b=127.0.0.1:9002*3", s.get(1).toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerSpec.parseList("a=h:1,a=h:2"))
                .getMessage().contains("given twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerSpec.parse("a=h:1*999"))
                .getMessage().contains("weight"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerSpec.parse("h:1"))
                .getMessage().contains("NAME=HOST:PORT"));
        assertThrows(IllegalArgumentException.class, () -> ServerSpec.parse("a=h:0"));
        assertThrows(IllegalArgumentException.class, () -> ServerSpec.parse("a b=h:1"));
    }

    @Test
    void smoothRoundRobinFollowsTheWeightsWithinFivePercentAndInterleaves() {
        List<Backend> up = pool("a=h:1*1,b=h:2*2,c=h:3*3");
        Map<String, Integer> counts = count(new SmoothRoundRobin(), up, 3000);
        assertEquals(500, counts.get("a"), 25);
        assertEquals(1000, counts.get("b"), 50);
        assertEquals(1500, counts.get("c"), 75);
        SmoothRoundRobin rr = new SmoothRoundRobin();
        List<Backend> skewed = pool("a=h:1*5,b=h:2,c=h:3");
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            order.append(rr.pick(skewed, null).name());
        }
        assertEquals("aabacaa", order.toString(), "nginx's smooth order, not aaaaabc");
    }

    @Test
    void aWeightChangeOrAServerAddedTakesEffectAtOnce() {
        List<Backend> up = pool("a=h:1,b=h:2");
        SmoothRoundRobin rr = new SmoothRoundRobin();
        count(rr, up, 10);
        up.get(1).weight(0);
        assertEquals(Map.of("a", 100), count(rr, up, 100), "weight 0 takes no new traffic");
        up.add(new Backend(ServerSpec.parse("c=h:3")));
        Map<String, Integer> after = count(rr, up, 100);
        assertEquals(50, after.get("a"));
        assertEquals(50, after.get("c"));
        assertNull(rr.pick(List.of(), null));
    }

    @Test
    void leastConnectionsSendsASlowServerFewer() {
        List<Backend> up = pool("fast=h:1,slow=h:2");
        LeastConnections lc = new LeastConnections();
        Map<String, Integer> counts = new HashMap<>();
        List<Backend> slowInFlight = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Backend b = lc.pick(up, null);
            counts.merge(b.name(), 1, Integer::sum);
            b.acquire();
            if (b.name().equals("fast")) {
                b.release(); // the fast one answers at once
            } else {
                slowInFlight.add(b);
                if (slowInFlight.size() == 10) { // the slow one answers ten at a time
                    slowInFlight.forEach(Backend::release);
                    slowInFlight.clear();
                }
            }
        }
        assertTrue(counts.get("slow") < counts.get("fast") / 5, counts.toString());
        List<Backend> idle = pool("a=h:1,b=h:2,c=h:3");
        assertEquals(Map.of("a", 100, "b", 100, "c", 100), count(lc, idle, 300), "ties go round-robin");
        idle.get(0).acquire();
        idle.get(0).acquire();
        idle.get(1).acquire();
        List<Backend> weighted = List.of(idle.get(0), idle.get(1));
        idle.get(0).weight(4); // 2 in progress over weight 4 beats 1 over weight 1
        assertEquals("a", lc.pick(weighted, null).name());
    }

    @Test
    void randomWithTwoChoicesFollowsWeightsAndAvoidsTheBusyServer() {
        List<Backend> up = pool("a=h:1*1,b=h:2*2,c=h:3*3");
        Map<String, Integer> counts = count(new RandomTwo(), up, 30_000);
        assertTrue(counts.get("a") < counts.get("b") && counts.get("b") < counts.get("c"), counts.toString());
        for (int i = 0; i < 50; i++) {
            up.get(2).acquire();
        }
        Map<String, Integer> busy = count(new RandomTwo(), up, 3000);
        // c holds half the weight: it is drawn twice (and so still chosen) a quarter of the time, not half
        assertEquals(750, busy.getOrDefault("c", 0), 3000 * 0.05, "a busy server wins only when drawn twice: " + busy);
    }

    @Test
    void theHashRingKeepsKeysAndMovesOnlyTheNewServersShareWhenOneIsAdded() {
        List<Backend> three = pool("a=h:1,b=h:2,c=h:3");
        HashRing ring = new HashRing();
        Map<String, String> before = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            before.put("10.0." + (i / 256) + "." + (i % 256), ring.pick(three, "10.0." + (i / 256) + "." + (i % 256)).name());
        }
        Map<String, Integer> spread = new HashMap<>();
        before.values().forEach(n -> spread.merge(n, 1, Integer::sum));
        spread.values().forEach(n -> assertEquals(3333, n, 3333 * 0.2, spread.toString()));
        for (Map.Entry<String, String> e : before.entrySet()) {
            assertEquals(e.getValue(), ring.pick(three, e.getKey()).name(), "the same key, the same server");
        }
        List<Backend> four = new ArrayList<>(three);
        four.add(new Backend(ServerSpec.parse("d=h:4")));
        int moved = 0;
        for (Map.Entry<String, String> e : before.entrySet()) {
            String now = ring.pick(four, e.getKey()).name();
            if (!now.equals(e.getValue())) {
                moved++;
                assertEquals("d", now, "a key moves only to the new server");
            }
        }
        assertTrue(moved <= 10_000 * (1.0 / 4 + 0.05), "moved " + moved + " of 10000");
        assertTrue(moved > 0);
    }
}
