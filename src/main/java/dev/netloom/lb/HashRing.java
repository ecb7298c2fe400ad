package dev.netloom.lb;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Consistent hashing (source address, URI or header hash): every server holds {@value #POINTS}
 * points per unit of weight on a 64-bit ring, a key goes to the first point at or after its hash,
 * so adding or removing a server moves only the keys of its own share (about 1/N). The ring is
 * rebuilt when the set of servers or their weights change, and looked up without a lock.
 */
public final class HashRing implements Balancer {

    static final int POINTS = 160;

    private volatile Ring ring = new Ring("", new TreeMap<>());

    /** A ring and the servers it was built from, by name and weight. */
    private record Ring(String signature, TreeMap<Long, Backend> points) {
    }

    @Override
    public Backend pick(List<Backend> up, String key) {
        String signature = signature(up);
        Ring r = ring;
        if (!r.signature().equals(signature)) {
            r = build(up, signature);
            ring = r;
        }
        if (r.points().isEmpty()) {
            return null;
        }
        Map.Entry<Long, Backend> e = r.points().ceilingEntry(hash(key == null ? "" : key));
        return (e != null ? e : r.points().firstEntry()).getValue();
    }

    private static String signature(List<Backend> up) {
        StringBuilder sb = new StringBuilder();
        for (Backend b : up) {
            sb.append(b.name()).append('*').append(b.weight()).append(',');
        }
        return sb.toString();
    }

    private static Ring build(List<Backend> up, String signature) {
        TreeMap<Long, Backend> points = new TreeMap<>();
        for (Backend b : up) {
            for (int i = 0; i < POINTS * b.weight(); i++) {
                points.put(hash(b.name() + "#" + i), b);
            }
        }
        return new Ring(signature, points);
    }

    /** FNV-1a over the UTF-8 bytes, then MurmurHash3's 64-bit finalizer to spread the bits. */
    static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
