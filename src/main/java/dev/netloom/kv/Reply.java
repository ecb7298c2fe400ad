package dev.netloom.kv;

import dev.netloom.resp.RespWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/*
 * RESP3 (after HELLO 3) adds these types to RESP2's; each semantic method below writes its RESP2
 * equivalent for a RESP2 client, so a handler writes one shape for both:
 *
 *   method          RESP3                         RESP2
 *   map(n)          %n\r\n then n key/value pairs  *2n\r\n (a flat array)
 *   set(n)          ~n\r\n                        *n\r\n
 *   dbl(d)          ,1.5\r\n  ,inf\r\n            $3\r\n1.5\r\n
 *   bool(b)         #t\r\n #f\r\n                  :1\r\n :0\r\n
 *   nullBulk()      _\r\n                         $-1\r\n
 *   nullArray()     _\r\n                         *-1\r\n
 *   push(n)         >n\r\n (pub/sub)              *n\r\n
 *   verbatim(s)     =len\r\ntxt:s\r\n (INFO)       $len\r\ns\r\n
 *   pairs(n)+pair() *n\r\n then *2\r\n per pair      *2n\r\n, nothing per pair (ZRANGE WITHSCORES)
 */

/**
 * A connection's outgoing replies: a {@link RespWriter} (one growable buffer, so that a
 * pipeline of requests is answered by one write) that also takes kv's numbers as bulk strings
 * and a reply whose size the client chooses beyond what the data holds (SRANDMEMBER with a
 * negative count), which is not built here but {@link #stream streamed}, a chunk at a time.
 * It speaks RESP2 until the client sends {@code HELLO 3} ({@link #resp3}): the semantic
 * methods (map, set, dbl, ...) then write RESP3's types.
 */
final class Reply extends RespWriter {

    /** A reply too big to build whole, written after the buffered ones (see {@link #stream}). */
    @FunctionalInterface
    interface Streamed {
        /** Writes the reply to {@code out}, holding at most a chunk of it in memory at a time. */
        void writeTo(OutputStream out) throws IOException;
    }

    /** What a {@link Streamed} reply builds before it writes. */
    static final int CHUNK = 64 * 1024;

    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE3 = "#t\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE3 = "#f\r\n".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] TXT = "txt:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);

    private Streamed streamed;
    /** Whether the client speaks RESP3 (HELLO 3); RESP2 otherwise. */
    private boolean resp3;

    /** True when the last reply is a streamed one: the connection writes before it runs another command. */
    boolean streaming() {
        return streamed != null;
    }

    /**
     * Ends this batch with a reply that {@link #writeTo} writes chunk by chunk, outside the store's
     * lock (it must work on what it was given, never on the live data). Nothing may be added
     * after it until it is written.
     */
    void stream(Streamed s) {
        streamed = s;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        super.writeTo(out);
        if (streamed != null) {
            Streamed s = streamed;
            streamed = null;
            s.writeTo(out);
        }
    }

    /** The bytes written so far, and clears (tests and the AOF replay). */
    byte[] take() {
        ByteArrayOutputStream b = new ByteArrayOutputStream(size());
        try {
            writeTo(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return b.toByteArray();
    }

    void bulk(long n) {
        bulk(Bytes.of(n));
    }

    void bulk(double d) {
        bulk(Bytes.of(d));
    }

    /**
     * Redis's addReplyHelp: the usage line, {@code lines}, then HELP's own two, each a status
     * reply (OBJECT, MEMORY, CONFIG, XINFO, XGROUP ... HELP).
     */
    void help(String command, String... lines) {
        array(lines.length + 3);
        simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String line : lines) {
            simple(line);
        }
        simple("HELP");
        simple("    Prints this help.");
    }

    // ---- RESP3 (see the table at the top) ----

    boolean resp3() {
        return resp3;
    }

    /** The protocol version this client speaks: 2 or 3 (HELLO). */
    int proto() {
        return resp3 ? 3 : 2;
    }

    void proto(int version) {
        resp3 = version == 3;
    }

    @Override
    public void nullBulk() {
        raw(resp3 ? NULL3 : NULL_BULK);
    }

    @Override
    public void nullArray() {
        raw(resp3 ? NULL3 : NULL_ARRAY);
    }

    /** A map of {@code n} pairs (keys and values follow, alternating). */
    void map(long n) {
        if (resp3) {
            prefixed((byte) '%', n);
        } else {
            array(n * 2);
        }
    }

    /** A set of {@code n} members. */
    void set(long n) {
        if (resp3) {
            prefixed((byte) '~', n);
        } else {
            array(n);
        }
    }

    /** A double (a score); a bulk string in RESP2, as Redis's addReplyDouble. */
    void dbl(double d) {
        if (resp3) {
            raw((byte) ',', Bytes.of(d));
        } else {
            bulk(Bytes.of(d));
        }
    }

    void bool(boolean b) {
        if (resp3) {
            raw(b ? TRUE3 : FALSE3);
        } else {
            integer(b ? 1 : 0);
        }
    }

    /** An out-of-band message of {@code n} values (pub/sub): RESP3's push type. */
    void push(long n) {
        if (resp3) {
            prefixed((byte) '>', n);
        } else {
            array(n);
        }
    }

    /** Text a client shows as it is (INFO): RESP3's verbatim string of format txt. */
    void verbatim(String text) {
        if (resp3) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            prefixed((byte) '=', b.length + 4L);
            raw(TXT);
            raw(b);
            raw(CRLF);
        } else {
            bulk(text);
        }
    }

    /** {@code n} (member, score) pairs follow, each opened by {@link #pair}: nested in RESP3, flat in RESP2. */
    void pairs(long n) {
        array(resp3 ? n : n * 2);
    }

    /** Opens one pair of a {@link #pairs} reply. */
    void pair() {
        if (resp3) {
            array(2);
        }
    }

    private void raw(byte type, byte[] text) {
        raw(new byte[] {type});
        raw(text);
        raw(CRLF);
    }
}
