package dev.netloom.lb;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One request (http mode) or connection (tcp mode) through the lb, as HAProxy's log line tells
 * it. The timers are in milliseconds, -1 for a phase never reached:
 * <ul>
 * <li>{@code Tq}: receiving the request head (http);
 * <li>{@code Tw}: waiting in the queue for a server slot;
 * <li>{@code Tc}: connecting to the server (0 for a kept-alive connection reused);
 * <li>{@code Tr}: from the request sent to the server's response head (http);
 * <li>{@code Tt}: the whole request (http: from its first byte to its response's last), or the
 * whole connection (tcp).
 * </ul>
 * The termination state is HAProxy's four characters: who ended it ({@code C} client, {@code S}
 * server, {@code P} the lb, {@code c}/{@code s} a client or server timeout, {@code -} normally),
 * in which phase ({@code R} request, {@code Q} queue, {@code C} connect, {@code H} response head,
 * {@code D} data, {@code -}), then the persistence cookie ({@code N} none, {@code V} valid, {@code D}
 * its server down) and what the lb did with it ({@code I} inserted, {@code -}).
 */
final class Transaction {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    final long acceptMillis = System.currentTimeMillis();
    final long startNanos = System.nanoTime();
    long tq = -1;
    long tw = -1;
    long tc = -1;
    long tr = -1;
    long tt = -1;
    int status = -1;
    long bytes;
    Server server;
    int retries;
    char who = '-';
    char phase = '-';
    String cookie = "--";
    /** The request (its toString is the start line), or null when none could be read. */
    Object requestLine;

    /** Ends the transaction with {@code who} in {@code phase} (the first cause given wins). */
    void end(char who, char phase) {
        if (this.who == '-' && this.phase == '-') {
            this.who = who;
            this.phase = phase;
        }
    }

    static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /**
     * HAProxy's http log line: {@code client:port [date] frontend pool/server Tq/Tw/Tc/Tr/Tt status bytes - -
     * flags actconn/feconn/beconn/srv_conn/retries srv_queue/backend_queue "request"}.
     */
    String httpLine(String client, String frontend, String pool, int actconn, int feconn, int beconn, int queue) {
        StringBuilder sb = prefix(client, frontend, pool);
        sb.append(tq).append('/').append(tw).append('/').append(tc).append('/').append(tr).append('/').append(tt)
                .append(' ').append(status).append(' ').append(bytes).append(" - - ").append(who).append(phase)
                .append(cookie);
        counts(sb, actconn, feconn, beconn, queue);
        sb.append(" \"").append(requestLine == null ? "<BADREQ>" : requestLine).append('"');
        return sb.toString();
    }

    /** HAProxy's tcp log line: {@code client:port [date] frontend pool/server Tw/Tc/Tt bytes flags counts queues}. */
    String tcpLine(String client, String frontend, String pool, int actconn, int feconn, int beconn, int queue) {
        StringBuilder sb = prefix(client, frontend, pool);
        sb.append(tw).append('/').append(tc).append('/').append(tt).append(' ').append(bytes).append(' ').append(who)
                .append(phase);
        counts(sb, actconn, feconn, beconn, queue);
        return sb.toString();
    }

    private StringBuilder prefix(String client, String frontend, String pool) {
        StringBuilder sb = new StringBuilder(192);
        sb.append(client).append(" [").append(DATE.format(Instant.ofEpochMilli(acceptMillis))).append("] ")
                .append(frontend).append(' ').append(pool).append('/')
                .append(server == null ? "<NOSRV>" : server.name()).append(' ');
        return sb;
    }

    private void counts(StringBuilder sb, int actconn, int feconn, int beconn, int queue) {
        sb.append(' ').append(actconn).append('/').append(feconn).append('/').append(beconn).append('/')
                .append(server == null ? 0 : server.active()).append('/').append(retries).append(' ')
                .append(0).append('/').append(queue); // one queue per pool: srv_queue is always 0
    }
}
