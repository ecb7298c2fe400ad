package dev.netloom.kv;

import java.util.ArrayList;
import java.util.List;

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
    /** Close after this reply (QUIT). */
    boolean quit;
    /** The AOF offset this client's replies must wait for (see Aof#await). */
    long aofOffset;
    /** What the AOF logs for the current command instead of its own argv; null = its argv. */
    List<byte[][]> propagated;

    Client(long id, KvStore store, String address) {
        this.id = id;
        this.store = store;
        this.address = address;
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
