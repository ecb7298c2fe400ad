package dev.netloom.kv;

import dev.netloom.core.Key;
import dev.netloom.core.Settings;
import dev.netloom.core.TcpConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Settings of the {@code kv} service beyond the common TCP ones (whose {@code idle-timeout}
 * defaults to 0 here, as Redis's {@code timeout}).
 *
 * @param dir           data directory, holding {@code appendonly.aof} (default {@code data/kv})
 * @param appendonly    whether writes are logged and replayed at start (default true)
 * @param fsync         {@code always} (on disk before the reply), {@code everysec} (default), {@code no}
 * @param autoPercent   rewrite the log when it has grown by this percentage since the last rewrite (100; 0 = never)
 * @param autoMinSize   ... and is at least this big (64 MiB)
 * @param maxBulk       longest bulk string a request may carry, or SETRANGE/APPEND may make (512 MiB,
 *                      Redis's proto-max-bulk-len)
 * @param databases     how many numbered databases SELECT chooses from (16, Redis's {@code databases})
 * @param busyThreshold how long a Lua script runs before other clients get {@code -BUSY} and SCRIPT KILL
 *                      may stop it (5 s, Redis's busy-reply-threshold, once lua-time-limit; 0 = never)
 * @param pubsubLimit   a subscriber's output limit (Redis's {@code client-output-buffer-limit pubsub 32mb 8mb 60})
 * @param notifyKeyspaceEvents  Redis's {@code notify-keyspace-events} classes (default empty: off)
 * @param maxmemory     the memory estimate's limit in bytes, past which keys are evicted (0 = none)
 * @param maxmemoryPolicy which keys are evicted past it (Redis's words; {@code noeviction}: refuse writes)
 * @param maxmemorySamples keys sampled per database for each eviction (5)
 */
public record KvConfig(Path dir, boolean appendonly, Aof.Fsync fsync, int autoPercent, long autoMinSize, int maxBulk,
        int databases, Duration busyThreshold, Subscriber.Limit pubsubLimit, String notifyKeyspaceEvents,
        long maxmemory, String maxmemoryPolicy, int maxmemorySamples) {

    public static final int DEFAULT_PORT = 6380;

    public static final Key<String> DIR = Key.string("dir", "data/kv",
            "data directory holding appendonly.aof (relative to the netloom home)");
    public static final Key<Boolean> APPENDONLY = Key.bool("appendonly", true,
            "log every write to appendonly.aof and replay it at start");
    public static final Key<String> APPENDFSYNC = Key.string("appendfsync", "everysec",
            "always (on disk before the reply), everysec (forced once a second), no (the OS decides)");
    public static final Key<Integer> AUTO_PERCENT = Key.integer("auto-aof-rewrite-percentage", 100, 0, 100_000,
            "rewrite the log once it has grown by this % since the last rewrite (0 = never)");
    public static final Key<Integer> AUTO_MIN_SIZE = Key.size("auto-aof-rewrite-min-size", 64 * 1024 * 1024, 0,
            Integer.MAX_VALUE, "... and is at least this big");
    public static final Key<Integer> MAX_BULK = Key.size("proto-max-bulk-len", 512 * 1024 * 1024, 1024,
            Integer.MAX_VALUE - 16, "longest string a request may carry, or SETRANGE/APPEND may make");
    public static final Key<Integer> DATABASES = Key.integer("databases", 16, 1, 1_000_000,
            "numbered databases, 0 to N-1, that SELECT chooses from");
    public static final Key<Duration> BUSY_THRESHOLD = Key.duration("busy-reply-threshold", Duration.ofSeconds(5),
            "a Lua script running longer gets other clients -BUSY and may be stopped by SCRIPT KILL");

    public static final Key<String> PUBSUB_LIMIT = Key.string("client-output-buffer-limit-pubsub", "32mb 8mb 60",
            "a subscriber's output limit: <hard> <soft> <seconds> (0 = none); past it, it is disconnected");
    public static final Key<String> NOTIFY_KEYSPACE_EVENTS = Key.string("notify-keyspace-events", "",
            "keyspace notification classes, as Redis's letters (KEA, Kx, ...); empty = off");

    public static final Key<Long> MAXMEMORY = new Key<>("maxmemory", 0L, KvParams::memory,
            "a byte count such as 0 (no limit), 100mb, 1gb (k/m/g = 1000s, kb/mb/gb = 1024s)",
            "evict keys (maxmemory-policy) past this estimate of the data's size; 0 = no limit");
    public static final Key<String> MAXMEMORY_POLICY = new Key<>("maxmemory-policy", "noeviction",
            s -> KvParams.Policy.of(s) == null ? null : s.toLowerCase(Locale.ROOT),
            "noeviction, allkeys-lru, allkeys-lfu, allkeys-random, volatile-lru, volatile-lfu, volatile-random or volatile-ttl",
            "which keys go past maxmemory (noeviction: writes get -OOM)");
    public static final Key<Integer> MAXMEMORY_SAMPLES = Key.integer("maxmemory-samples", 5, 1, 1_000_000,
            "keys sampled per database for each eviction (more: closer to true LRU/LFU)");

    public static List<Key<?>> keys() {
        List<Key<?>> keys = new ArrayList<>();
        for (Key<?> k : TcpConfig.keys(DEFAULT_PORT)) {
            keys.add(k.name().equals(TcpConfig.IDLE_TIMEOUT.name()) ? TcpConfig.IDLE_TIMEOUT.withDefault(Duration.ZERO) : k);
        }
        keys.addAll(List.of(DIR, APPENDONLY, APPENDFSYNC, AUTO_PERCENT, AUTO_MIN_SIZE, MAX_BULK, DATABASES, BUSY_THRESHOLD,
                PUBSUB_LIMIT, NOTIFY_KEYSPACE_EVENTS, MAXMEMORY, MAXMEMORY_POLICY, MAXMEMORY_SAMPLES));
        return keys;
    }

    public static KvConfig from(Settings s) {
        String f = s.get(APPENDFSYNC).toLowerCase(Locale.ROOT);
        return Settings.build(s.service(), () -> new KvConfig(s.path(DIR), s.get(APPENDONLY), switch (f) {
            case "always" -> Aof.Fsync.ALWAYS;
            case "everysec" -> Aof.Fsync.EVERYSEC;
            case "no" -> Aof.Fsync.NO;
            default -> throw new IllegalArgumentException("appendfsync must be always, everysec or no, not '" + f + "'");
        }, s.get(AUTO_PERCENT), s.get(AUTO_MIN_SIZE), s.get(MAX_BULK), s.get(DATABASES), s.get(BUSY_THRESHOLD),
                limit(s.get(PUBSUB_LIMIT)), events(s.get(NOTIFY_KEYSPACE_EVENTS)),
                s.get(MAXMEMORY), s.get(MAXMEMORY_POLICY), s.get(MAXMEMORY_SAMPLES)));
    }

    private static Subscriber.Limit limit(String value) {
        try {
            return Subscriber.Limit.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PUBSUB_LIMIT.name() + ": " + e.getMessage() + ", not '" + value + "'");
        }
    }

    private static String events(String classes) {
        if (KeyspaceEvents.parse(classes) < 0) {
            throw new IllegalArgumentException("notify-keyspace-events takes Redis's letters (Ag$lshzxeKEtmdn), not '"
                    + classes + "'");
        }
        return classes;
    }
}
