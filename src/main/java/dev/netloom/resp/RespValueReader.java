package dev.netloom.resp;

import dev.netloom.core.DataReader;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/*
 * RESP2 replies as read here:
 *
 *   +OK\r\n              simple string (status)
 *   -ERR message\r\n     error
 *   :42\r\n              integer, signed 64-bit
 *   $5\r\nhello\r\n      bulk string, binary-safe; $-1\r\n is the null bulk string
 *   *2\r\n<r1><r2>       array of any replies, nested; *-1\r\n is the null array
 *
 * Limits against a broken server: a bulk string up to 512 MiB (Redis' proto-max-bulk-len), a
 * status, error or length line up to 64 KiB, arrays nested up to 512 deep. RESP3 types are a
 * protocol error.
 */

/**
 * Reads RESP2 values (a server's replies) from a {@link DataReader} into {@link RespValue} trees.
 * Errors name the peer: a malformed reply is a {@link ProtocolException}, the end of the stream
 * inside one an {@link EOFException}; a deadline set on the reader is its caller's.
 */
public final class RespValueReader {

    private static final int MAX_BULK = 512 * 1024 * 1024;
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_DEPTH = 512;
    /** A bulk's array starts at most this big and doubles as its bytes arrive. */
    private static final int GROW_FROM = 1024 * 1024;

    private final DataReader in;
    private final String peer;

    /** Reads from {@code in}; {@code peer} names the other side in errors ({@code host:port}). */
    public RespValueReader(DataReader in, String peer) {
        this.in = in;
        this.peer = peer;
    }

    /** Reads one value from {@code wire}, as it would come from a server. */
    public static RespValue parse(byte[] wire) throws IOException {
        return new RespValueReader(new DataReader(new ByteArrayInputStream(wire), 4096), "input").read();
    }

    /** Reads the next value. */
    public RespValue read() throws IOException {
        return read(0);
    }

    private RespValue read(int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new ProtocolException(peer + ": arrays nested deeper than " + MAX_DEPTH);
        }
        int type = next();
        return switch (type) {
            case '+' -> new RespValue.Status(line());
            case '-' -> new RespValue.Error(line());
            case ':' -> new RespValue.Int(number(line()));
            case '$' -> bulk(number(line()));
            case '*' -> {
                long n = number(line());
                if (n == -1) {
                    yield new RespValue.Nil(true);
                }
                if (n < 0 || n > Integer.MAX_VALUE) {
                    throw new ProtocolException(peer + ": bad array length " + n);
                }
                List<RespValue> items = new ArrayList<>((int) Math.min(n, 1024));
                for (long i = 0; i < n; i++) {
                    items.add(read(depth + 1));
                }
                yield new RespValue.Array(items);
            }
            default -> throw new ProtocolException(peer + ": unexpected reply type "
                    + RedisCliFormat.quote(new byte[] {(byte) type}) + " (not RESP2)");
        };
    }

    private RespValue bulk(long n) throws IOException {
        if (n == -1) {
            return new RespValue.Nil(false);
        }
        if (n < 0 || n > MAX_BULK) {
            throw new ProtocolException(peer + ": bad bulk string length " + n);
        }
        byte[] value;
        try {
            value = in.readFully((int) n, GROW_FROM);
        } catch (EOFException e) {
            throw closed();
        }
        if (next() != '\r' || next() != '\n') {
            throw new ProtocolException(peer + ": bulk string of " + n + " bytes not followed by CRLF");
        }
        return new RespValue.Bulk(value);
    }

    private long number(String line) throws ProtocolException {
        try {
            return Long.parseLong(line);
        } catch (NumberFormatException e) {
            throw new ProtocolException(peer + ": '" + line + "' is not a number");
        }
    }

    /** The rest of a line up to CRLF, without it, as UTF-8. */
    private String line() throws IOException {
        int cr = in.indexOf((byte) '\r', 0, MAX_LINE);
        if (cr == DataReader.END) {
            throw closed();
        }
        if (cr == DataReader.OVER || cr > MAX_LINE) {
            throw new ProtocolException(peer + ": reply line longer than " + MAX_LINE + " bytes");
        }
        String text = new String(in.array(), in.start(), cr, StandardCharsets.UTF_8);
        in.consume(cr + 1);
        if (next() != '\n') {
            throw new ProtocolException(peer + ": CR not followed by LF");
        }
        return text;
    }

    private int next() throws IOException {
        if (in.buffered() == 0 && !in.fill()) {
            throw closed();
        }
        int b = in.byteAt(0) & 0xff;
        in.consume(1);
        return b;
    }

    private EOFException closed() {
        return new EOFException(peer + " closed the connection");
    }
}
