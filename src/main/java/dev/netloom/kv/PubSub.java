package dev.netloom.kv;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.NOSCRIPT;
import static dev.netloom.kv.CommandFlag.PUBSUB;
import static dev.netloom.kv.CommandFlag.STALE;

/*
 * Pub/sub frames, as Redis 7.0 writes them (RESP2 arrays; RESP3 push types, '>'):
 *
 *   *3 $9 subscribe $<channel> :<count>        count = channels + patterns after the change
 *   *3 $11 unsubscribe $<channel> :<count>     $-1 (RESP3: _) as the channel when there was none
 *   *3 $10 psubscribe / $12 punsubscribe $<pattern> :<count>
 *   *3 $7 message $<channel> $<message>
 *   *4 $8 pmessage $<pattern> $<channel> $<message>
 *   *2 $4 pong $<argument or "">              PING of a RESP2 client in subscribed mode
 */

/**
 * Who subscribes to what, and PUBLISH: Redis's channel and pattern tables (under the store lock,
 * so a publish is ordered with every command, and MULTI/EXEC and scripts may publish), and the
 * commands SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB. A message is
 * encoded once per protocol and queued to each receiver's {@link Subscriber}, never written by
 * the publisher. Shard channels (SSUBSCRIBE, SPUBLISH) are left out: they are cluster features.
 */
final class PubSub {

    /** What a RESP2 client in subscribed mode may still send (Redis's processCommand). */
    private static final Set<String> SUBSCRIBED_MODE = Set.of("ping", "subscribe", "ssubscribe", "unsubscribe",
            "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset");

    /** Channel to its subscribers, in subscription order. */
    private final Map<String, Set<Client>> channels = new HashMap<>();
    /** Pattern to its subscribers, patterns in the order first subscribed. */
    private final Map<String, Set<Client>> patterns = new LinkedHashMap<>();

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("subscribe", -2, Set.of(PUBSUB, NOSCRIPT, STALE), KeySpec.NONE,
                        (c, a) -> c.store.pubsub.subscribe(c, a, false)),
                new Command("psubscribe", -2, Set.of(PUBSUB, NOSCRIPT, STALE), KeySpec.NONE,
                        (c, a) -> c.store.pubsub.subscribe(c, a, true)),
                new Command("unsubscribe", -1, Set.of(PUBSUB, NOSCRIPT, STALE), KeySpec.NONE,
                        (c, a) -> c.store.pubsub.unsubscribe(c, a, false)),
                new Command("punsubscribe", -1, Set.of(PUBSUB, NOSCRIPT, STALE), KeySpec.NONE,
                        (c, a) -> c.store.pubsub.unsubscribe(c, a, true)),
                new Command("publish", 3, Set.of(PUBSUB, FAST, STALE), KeySpec.NONE,
                        (c, a) -> c.out.integer(c.store.pubsub.publish(a[1], a[2]))),
                new Command("pubsub", -2, Set.of(PUBSUB, STALE), KeySpec.NONE, PubSub::pubsub));
    }

    /** A channel or pattern as a map key: latin-1 keeps every byte as one char. */
    static String key(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The refusal of a command a RESP2 client in subscribed mode may not send, or null when it may. */
    static String refusal(Client c, Command cmd) {
        if (c.subscriptions() == 0 || c.out.resp3() || SUBSCRIBED_MODE.contains(cmd.name())) {
            return null;
        }
        return "ERR Can't execute '" + cmd.name() + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET"
                + " are allowed in this context";
    }

    private void subscribe(Client c, byte[][] a, boolean pattern) {
        c.store.pushing(c);
        Map<String, Set<Client>> table = pattern ? patterns : channels;
        Set<String> mine = pattern ? c.patterns : c.channels;
        for (int i = 1; i < a.length; i++) {
            String k = key(a[i]);
            if (mine.add(k)) {
                table.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(c);
            }
            confirm(c, pattern ? "psubscribe" : "subscribe", a[i]);
        }
    }

    private void unsubscribe(Client c, byte[][] a, boolean pattern) {
        Set<String> mine = pattern ? c.patterns : c.channels;
        String kind = pattern ? "punsubscribe" : "unsubscribe";
        if (a.length == 1) {
            if (mine.isEmpty()) {
                confirm(c, kind, null);
            }
            for (String k : new ArrayList<>(mine)) {
                remove(c, k, pattern);
                confirm(c, kind, bytes(k));
            }
            return;
        }
        for (int i = 1; i < a.length; i++) {
            remove(c, key(a[i]), pattern);
            confirm(c, kind, a[i]);
        }
    }

    private void remove(Client c, String k, boolean pattern) {
        if (!(pattern ? c.patterns : c.channels).remove(k)) {
            return;
        }
        Map<String, Set<Client>> table = pattern ? patterns : channels;
        Set<Client> subs = table.get(k);
        if (subs != null) {
            subs.remove(c);
            if (subs.isEmpty()) {
                table.remove(k);
            }
        }
    }

    /** Drops every subscription of {@code c} without a word (RESET, a closed connection). */
    void removeAll(Client c) {
        for (String k : new ArrayList<>(c.channels)) {
            remove(c, k, false);
        }
        for (String k : new ArrayList<>(c.patterns)) {
            remove(c, k, true);
        }
    }

    private static void confirm(Client c, String kind, byte[] name) {
        Reply out = c.out;
        if (c.replyOff || c.replySkip > 0) {
            out = new Reply(); // a push goes even under CLIENT REPLY OFF, as Redis's CLIENT_PUSHING
            out.proto(c.out.proto());
        }
        out.push(3);
        out.bulk(kind);
        out.bulk(name);
        out.integer(c.subscriptions());
        if (out != c.out) {
            c.store.push(c, out.take());
        }
    }

    /** Sends {@code message} to the subscribers of {@code channel} and of the patterns it matches; returns how many. */
    int publish(byte[] channel, byte[] message) {
        int receivers = 0;
        Frames frames = new Frames();
        Set<Client> subs = channels.get(key(channel));
        if (subs != null) {
            for (Client s : subs) {
                s.store.push(s, frames.get(s, null, channel, message));
                receivers++;
            }
        }
        for (Map.Entry<String, Set<Client>> p : patterns.entrySet()) {
            byte[] pattern = bytes(p.getKey());
            if (!Bytes.glob(pattern, channel)) {
                continue;
            }
            Frames pframes = new Frames();
            for (Client s : p.getValue()) {
                s.store.push(s, pframes.get(s, pattern, channel, message));
                receivers++;
            }
        }
        return receivers;
    }

    /** One message's frame for each protocol, encoded when first needed. */
    private static final class Frames {
        private byte[] resp2;
        private byte[] resp3;

        byte[] get(Client to, byte[] pattern, byte[] channel, byte[] message) {
            boolean three = to.out.resp3();
            byte[] f = three ? resp3 : resp2;
            if (f == null) {
                Reply w = new Reply();
                w.proto(three ? 3 : 2);
                w.push(pattern == null ? 3 : 4);
                if (pattern == null) {
                    w.bulk("message");
                } else {
                    w.bulk("pmessage");
                    w.bulk(pattern);
                }
                w.bulk(channel);
                w.bulk(message);
                f = w.take();
                if (three) {
                    resp3 = f;
                } else {
                    resp2 = f;
                }
            }
            return f;
        }
    }

    /** PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT. */
    private static void pubsub(Client c, byte[][] a) {
        PubSub ps = c.store.pubsub;
        String sub = Bytes.lowerName(a[1]);
        if (sub.equals("channels") && a.length <= 3) {
            List<byte[]> found = new ArrayList<>();
            for (String k : ps.channels.keySet()) {
                byte[] ch = bytes(k);
                if (a.length == 2 || Bytes.glob(a[2], ch)) {
                    found.add(ch);
                }
            }
            c.out.array(found.size());
            found.forEach(c.out::bulk);
        } else if (sub.equals("numsub")) {
            c.out.array((a.length - 2) * 2L);
            for (int i = 2; i < a.length; i++) {
                Set<Client> subs = ps.channels.get(key(a[i]));
                c.out.bulk(a[i]);
                c.out.integer(subs == null ? 0 : subs.size());
            }
        } else if (sub.equals("numpat") && a.length == 2) {
            c.out.integer(ps.patterns.size());
        } else if (sub.equals("shardchannels") && a.length <= 3) {
            c.out.array(0);
        } else if (sub.equals("shardnumsub")) {
            c.out.array((a.length - 2) * 2L);
            for (int i = 2; i < a.length; i++) {
                c.out.bulk(a[i]);
                c.out.integer(0);
            }
        } else {
            throw new KvError("ERR unknown subcommand or wrong number of arguments for '" + Bytes.str(a[1])
                    + "'. Try PUBSUB HELP.");
        }
    }
}
