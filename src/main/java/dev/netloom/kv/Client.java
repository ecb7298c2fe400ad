package dev.netloom.kv;

import dev.netloom.core.Connection;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One client's state: its reply buffer, name, and what its current command logs to the AOF. */
final class Client {

    final long id;
    final KvStore store;
    final Reply out = new Reply();
    final String address;
    /** The server's end of the connection (CLIENT LIST's laddr); "" when there is no connection. */
    String localAddress = "";
    final long createdMillis = System.currentTimeMillis();
    /** When the last command came (CLIENT LIST's idle). */
    volatile long lastMillis = createdMillis;
    /** Closes the connection from another client's thread (CLIENT KILL); null when there is none. */
    volatile Runnable kill;
    volatile String name;
    /** The database SELECT chose (an index into {@link KvStore#dbs}). */
    volatile int db;
    /** The name of the command last run, as sent (what `conns kv` shows). */
    volatile byte[] lastCommand;
    /** CLIENT REPLY OFF: no replies until CLIENT REPLY ON (pushed messages still go). */
    boolean replyOff;
    /** CLIENT REPLY SKIP: how many more commands (this one counted) get no reply. */
    int replySkip;
    /** Close after this reply (QUIT). */
    boolean quit;
    /** The AOF offset this client's replies must wait for (see Aof#await). */
    long aofOffset;
    /** What the AOF logs for the current command instead of its own argv; null = its argv. */
    List<byte[][]> propagated;

    // ---- pub/sub (PubSub, Subscriber); changed under the store lock ----
    /** Channels subscribed to, in order (latin-1 strings: one char a byte, see {@link PubSub#key}). */
    final Set<String> channels = new LinkedHashSet<>();
    /** Patterns subscribed to, in order. */
    final Set<String> patterns = new LinkedHashSet<>();
    /** The connection and its output, for a {@link Subscriber}; null for a client without one (tests, scripts). */
    Connection connection;
    OutputStream socket;
    /** Carries all of this client's output once it has subscribed; null before (and without a connection). */
    volatile Subscriber outbox;

    // ---- transactions and blocking (kv-multi); under the store's lock ----
    /** The commands queued since MULTI; null outside a transaction. */
    List<TransactionCommands.Queued> multi;
    /** A command was refused while queueing: EXEC answers EXECABORT (Redis's CLIENT_DIRTY_EXEC). */
    boolean multiError;
    /** A WATCHed key changed: EXEC answers a null array (Redis's CLIENT_DIRTY_CAS). */
    boolean watchBroken;
    /** The keys this client WATCHes. */
    final List<Watches.Watch> watched = new ArrayList<>(0);
    /** Blocking commands answer at once, as their non-blocking forms (inside EXEC; a script's commands). */
    boolean noBlock;
    /** The wait of the blocking command this client is in; null when it is not blocked. */
    volatile Blocking.Blocked blocked;

    Client(long id, KvStore store, String address) {
        this.id = id;
        this.store = store;
        this.address = address;
    }

    /** Channels plus patterns (CLIENT LIST's sub= and psub=; subscribed mode while above 0). */
    int subscriptions() {
        return channels.size() + patterns.size();
    }

    /**
     * Logs {@code argv} to the AOF for the current command instead of the command itself (a
     * relative expiry made absolute, a random pop made explicit). May be called more than once.
     */
    void propagate(byte[]... argv) {
        if (propagated == null) {
            propagated = new ArrayList<>(2);
        }
        propagated.add(argv);
    }

    /**
     * Logs nothing for the current command but what {@link #propagate} adds after this call
     * (XREADGROUP, XCLAIM and XAUTOCLAIM log their effects as XCLAIM and XGROUP commands).
     */
    void propagateOnlyEffects() {
        propagated = new ArrayList<>(2);
    }

    /** What {@code conns kv} shows as the connection's activity. */
    @Override
    public String toString() {
        byte[] cmd = lastCommand;
        return (cmd == null ? "-" : Bytes.lowerName(cmd)) + (name == null ? "" : " name=" + name);
    }

    static byte[][] argv(Object... parts) {
        byte[][] a = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            Object p = parts[i];
            a[i] = p instanceof byte[] b ? b : p instanceof Long l ? Bytes.of(l)
                    : p instanceof Integer n ? Bytes.of((long) n) : Bytes.of(p.toString());
        }
        return a;
    }
}
