package dev.netloom.chat;

import dev.netloom.core.Key;
import dev.netloom.core.Settings;
import dev.netloom.core.TcpConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the {@code chat} service beyond the common TCP ones (whose {@code idle-timeout}
 * defaults to 0 here: members may stay silent for ever unless configured).
 *
 * @param maxLine  longest line a member may send, in bytes (1 KiB); longer ones get an error line
 * @param queue    lines waiting for one member before the overflow policy applies (1000)
 * @param overflow what happens to a member whose queue is full: {@code disconnect} (it is closed and
 *                 its room told) or {@code drop} (lines that do not fit are not delivered to it)
 */
public record ChatConfig(int maxLine, int queue, Overflow overflow) {

    public static final int DEFAULT_PORT = 7010;

    public enum Overflow { DISCONNECT, DROP }

    public static final Key<Integer> MAX_LINE = Key.size("max-line", 1024, 16, 64 * 1024,
            "longest line a member may send, in bytes");
    public static final Key<Integer> QUEUE = Key.integer("queue", 1000, 1, 1_000_000,
            "lines waiting for one member before the overflow policy applies (join/leave/nick notices take at"
                    + " most half, then are counted, never overflow)");
    public static final Key<String> OVERFLOW = Key.string("overflow", "disconnect",
            "a member whose queue is full: disconnect (closed, room told) or drop (lines not delivered)");

    /** The keys of a chat service listening on {@code port} by default. */
    public static List<Key<?>> keys(int port) {
        List<Key<?>> keys = new ArrayList<>();
        for (Key<?> k : TcpConfig.keys(port)) {
            keys.add(k.name().equals(TcpConfig.IDLE_TIMEOUT.name()) ? TcpConfig.IDLE_TIMEOUT.withDefault(Duration.ZERO) : k);
        }
        keys.addAll(List.of(MAX_LINE, QUEUE, OVERFLOW));
        return keys;
    }

    public static ChatConfig from(Settings s) {
        String o = s.get(OVERFLOW);
        return Settings.build(s.service(), () -> new ChatConfig(s.get(MAX_LINE), s.get(QUEUE), switch (o) {
            case "disconnect" -> Overflow.DISCONNECT;
            case "drop" -> Overflow.DROP;
            default -> throw new IllegalArgumentException("overflow must be disconnect or drop, not '" + o + "'");
        }));
    }
}
