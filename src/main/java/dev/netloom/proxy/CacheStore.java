package dev.netloom.proxy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The proxy's shared cache in memory: responses by target URI, each URI holding the variants its
 * {@code Vary} nominates (RFC 9111 §4.1), the least recently used URIs evicted first once the
 * stored bytes pass the budget ({@code proxy.cache-size}); a response over {@code
 * proxy.cache-max-object} is never stored (the proxy streams it instead).
 *
 * <p>Concurrent misses for one URI are collapsed ({@link #lead}, Varnish's request coalescing,
 * Squid's collapsed_forwarding): the first asks the origin, the others wait for it and then look
 * again, so a response that turns out not storable, or stored under another variant, sends each
 * of them to the origin after all.
 *
 * <p>One {@link ReentrantLock} guards the map and the byte count; it is never held across I/O.
 * Entries are immutable ({@link Stored}), so a reader keeps a whole body while the entry is
 * replaced or evicted.
 */
public final class CacheStore {

    /** What a request's answer was, as {@code X-Cache} says it. */
    public enum Result { HIT, MISS, REVALIDATED, STALE }

    /** How long a URI whose response was not storable is passed. */
    public static final long PASS_MILLIS = 60_000;
    private static final int MAX_PASSES = 10_000;

    private final long capacity;
    private final long maxObject;
    private final ReentrantLock lock = new ReentrantLock();
    /** By URI, in access order (the LRU). */
    private final LinkedHashMap<String, Resource> resources = new LinkedHashMap<>(64, 0.75f, true);
    private final Map<String, CompletableFuture<Void>> flights = new ConcurrentHashMap<>();
    /** URIs passed (not collapsed) until a nanoTime, after a response that was not storable. */
    private final Map<String, Long> passes = new ConcurrentHashMap<>();
    private final Map<Result, LongAdder> counts = new ConcurrentHashMap<>();
    private long bytes;

    public CacheStore(long capacity, long maxObject) {
        this.capacity = capacity;
        this.maxObject = maxObject;
        for (Result r : Result.values()) {
            counts.put(r, new LongAdder());
        }
    }

    /** The variants of one URI. */
    private static final class Resource {
        final List<String> varyNames;
        final Map<String, Stored> variants = new LinkedHashMap<>();
        long hits;

        Resource(List<String> varyNames) {
            this.varyNames = varyNames;
        }

        long size() {
            long n = 0;
            for (Stored s : variants.values()) {
                n += s.size();
            }
            return n;
        }
    }

    /** The largest response stored. */
    public long maxObject() {
        return maxObject;
    }

    /** The stored response for {@code url} that matches {@code request}'s variant, or null. */
    public Stored lookup(String url, Fields request) {
        lock.lock();
        try {
            Resource r = resources.get(url);
            if (r == null) {
                return null;
            }
            Stored s = r.variants.get(Variants.key(r.varyNames, request));
            if (s != null) {
                r.hits++;
            }
            return s;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stores {@code response} as the variant of {@code request} (replacing one stored before);
     * false when it is larger than {@link #maxObject} or the whole budget. A response whose
     * {@code Vary} differs from the stored variants' replaces them all.
     */
    public boolean put(Fields request, Stored response) {
        long size = response.size();
        if (size > maxObject || size > capacity) {
            return false;
        }
        List<String> vary = Variants.names(response.field("Vary"));
        lock.lock();
        try {
            Resource r = resources.get(response.url());
            if (r == null || !r.varyNames.equals(vary)) {
                if (r != null) {
                    bytes -= r.size();
                }
                r = new Resource(vary);
                resources.put(response.url(), r);
            }
            Stored old = r.variants.put(Variants.key(vary, request), response);
            bytes += size - (old == null ? 0 : old.size());
            evict();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Drops least recently used URIs until the bytes fit. Under the lock. */
    private void evict() {
        Iterator<Resource> it = resources.values().iterator();
        while (bytes > capacity && it.hasNext()) {
            bytes -= it.next().size();
            it.remove();
        }
    }

    /** Removes every variant of {@code url}; true if there was one (PURGE, and §4.4's invalidation). */
    public boolean remove(String url) {
        lock.lock();
        try {
            Resource r = resources.remove(url);
            if (r != null) {
                bytes -= r.size();
            }
            return r != null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Boards the flight for {@code url}: the first to board {@link Flight#leads leads} (asks the
     * origin, then {@link #land lands}); the others wait on {@link Flight#done} and look again.
     * A URI whose last response was not storable is passed for {@link #PASS_MILLIS} ms (Varnish's
     * hit-for-miss): everyone leads, so requests for it are not queued behind each other.
     */
    public Flight board(String url) {
        Long until = passes.get(url);
        if (until != null && until - System.nanoTime() > 0) {
            return new Flight(url, null, true);
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> other = flights.putIfAbsent(url, mine);
        return other == null ? new Flight(url, mine, true) : new Flight(url, other, false);
    }

    /** Ends a flight this caller leads; {@code stored} says whether its response is now in the cache. */
    public void land(Flight flight, boolean stored) {
        if (!flight.leads() || flight.done() == null) {
            return;
        }
        if (stored) {
            passes.remove(flight.url());
        } else {
            if (passes.size() >= MAX_PASSES) {
                long now = System.nanoTime();
                passes.values().removeIf(until -> until - now <= 0);
            }
            if (passes.size() < MAX_PASSES) {
                passes.put(flight.url(), System.nanoTime() + PASS_MILLIS * 1_000_000);
            }
        }
        flights.remove(flight.url(), flight.done());
        flight.done().complete(null);
    }

    /**
     * One request's place in a flight for a URI.
     *
     * @param url   the URI
     * @param done  completes when the leader's fetch ends (null for one passing alone)
     * @param leads whether this request asks the origin
     */
    public record Flight(String url, CompletableFuture<Void> done, boolean leads) {
    }

    /** Counts one answer. */
    public void count(Result result) {
        counts.get(result).increment();
    }

    /** The figures {@code proxy cache} shows, with the {@code top} URIs most often hit. */
    public Stats stats(int top) {
        lock.lock();
        try {
            List<Map.Entry<String, Long>> hot = new ArrayList<>();
            int entries = 0;
            for (Map.Entry<String, Resource> e : resources.entrySet()) {
                entries += e.getValue().variants.size();
                hot.add(Map.entry(e.getKey(), e.getValue().hits));
            }
            hot.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
            Map<Result, Long> byResult = new LinkedHashMap<>();
            for (Result r : Result.values()) {
                byResult.put(r, counts.get(r).sum());
            }
            return new Stats(entries, bytes, capacity, byResult, List.copyOf(hot.subList(0, Math.min(top, hot.size()))));
        } finally {
            lock.unlock();
        }
    }

    /**
     * What the cache holds and how it answered.
     *
     * @param entries  stored responses (variants counted)
     * @param bytes    their size
     * @param capacity the budget
     * @param results  answers by result
     * @param top      URIs with their hits, most first
     */
    public record Stats(int entries, long bytes, long capacity, Map<Result, Long> results,
                        List<Map.Entry<String, Long>> top) {

        /** Answers served without a full origin response (HIT, REVALIDATED, STALE) over all answers; 0 with none. */
        public double hitRatio() {
            long all = results.values().stream().mapToLong(Long::longValue).sum();
            return all == 0 ? 0 : (double) (all - results.get(Result.MISS)) / all;
        }
    }
}
