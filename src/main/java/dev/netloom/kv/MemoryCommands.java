package dev.netloom.kv;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.READONLY;

/** OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ|HELP and MEMORY USAGE|STATS|DOCTOR|HELP, from {@link KvMemory}. */
final class MemoryCommands {

    private static final String NOT_LFU = "ERR An LFU maxmemory policy is not selected, access frequency not tracked."
            + " Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
    private static final String LFU = "ERR An LFU maxmemory policy is selected, idle time not tracked."
            + " Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

    private MemoryCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("object", -2, Set.of(READONLY), KeySpec.NONE, MemoryCommands::object),
                new Command("memory", -2, Set.of(READONLY), KeySpec.NONE, MemoryCommands::memory));
    }

    /** The key's entry without counting an access (Redis's LOOKUP_NOTOUCH), or null. */
    private static Dict.Entry peek(Client c, byte[] key) {
        KvStore s = c.store;
        s.noTouch = true;
        try {
            return s.lookup(key);
        } finally {
            s.noTouch = false;
        }
    }

    private static void object(Client c, byte[][] a) {
        String sub = Bytes.lowerName(a[1]);
        if (sub.equals("help") && a.length == 2) {
            c.out.help("OBJECT", "ENCODING <key>",
                    "    Return the kind of internal representation used in order to store the value",
                    "    associated with a <key>.",
                    "FREQ <key>",
                    "    Return the access frequency index of the <key>. The returned integer is",
                    "    proportional to the logarithm of the recent access frequency of the key.",
                    "IDLETIME <key>",
                    "    Return the idle time of the <key>, that is the approximated number of",
                    "    seconds elapsed since the last access to the key.",
                    "REFCOUNT <key>",
                    "    Return the number of references of the value associated with the specified",
                    "    <key>.");
            return;
        }
        if (a.length != 3 || !List.of("encoding", "refcount", "idletime", "freq").contains(sub)) {
            throw subcommandError(a);
        }
        Dict.Entry e = peek(c, a[2]);
        if (e == null) {
            c.out.nullBulk();
            return;
        }
        KvParams p = c.store.params;
        switch (sub) {
            case "encoding" -> c.out.bulk(KvMemory.encoding(e, p));
            case "refcount" -> c.out.integer(KvMemory.refcount(e, p));
            case "idletime" -> {
                if (p.policy.lfu()) {
                    throw new KvError(LFU);
                }
                c.out.integer(KvMemory.idleMillis(e.lru, c.store.now) / 1000);
            }
            default -> {
                if (!p.policy.lfu()) {
                    throw new KvError(NOT_LFU);
                }
                c.out.integer(KvMemory.lfuCounter(e.lru, c.store.now, p.lfuDecayTime));
            }
        }
    }

    private static void memory(Client c, byte[][] a) {
        String sub = Bytes.lowerName(a[1]);
        KvStore s = c.store;
        switch (sub) {
            case "usage" -> {
                if (a.length != 3 && !(a.length == 5 && Bytes.is(a[3], "samples")
                        && Bytes.parseLong(a[4], -1) >= 0)) {
                    throw a.length < 3 ? subcommandError(a) : KvError.SYNTAX;
                }
                Dict.Entry e = peek(c, a[2]);
                if (e == null) {
                    c.out.nullBulk();
                } else {
                    c.out.integer(KvMemory.estimate(e)); // kept per value: exact for the estimate, no sampling needed
                }
            }
            case "stats" -> {
                long used = s.used();
                long keys = s.keyCount();
                c.out.array(8);
                c.out.bulk("total.allocated");
                c.out.integer(used);
                c.out.bulk("dataset.bytes");
                c.out.integer(used);
                c.out.bulk("keys.count");
                c.out.integer(keys);
                c.out.bulk("keys.bytes-per-key");
                c.out.integer(keys == 0 ? 0 : used / keys);
            }
            case "doctor" -> c.out.bulk(s.params.maxmemory > 0 && s.used() > s.params.maxmemory
                    ? "Sam, the memory estimate is over maxmemory (" + s.params.policy.word() + ")."
                    : "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.");
            case "malloc-stats" -> c.out.bulk("Stats not supported for the current allocator");
            case "purge" -> c.out.ok();
            case "help" -> c.out.help("MEMORY", "DOCTOR",
                    "    Return memory problems reports.",
                    "MALLOC-STATS",
                    "    Return internal statistics report from the memory allocator.",
                    "PURGE",
                    "    Attempt to purge dirty pages for reclamation by the allocator.",
                    "STATS",
                    "    Return information about the memory usage of the server.",
                    "USAGE <key> [SAMPLES <count>]",
                    "    Return memory in bytes used by <key> and its value. Nested values are",
                    "    sampled up to <count> times (default: 5, 0 means sample all).");
            default -> throw subcommandError(a);
        }
    }


    static KvError subcommandError(byte[][] a) {
        return new KvError("ERR unknown subcommand or wrong number of arguments for '" + Bytes.str(a[1]) + "'. Try "
                + Bytes.str(a[0]).toUpperCase(Locale.ROOT) + " HELP.");
    }
}
