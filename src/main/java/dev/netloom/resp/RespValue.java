package dev.netloom.resp;

import java.util.Arrays;
import java.util.List;

/**
 * One RESP2 value as a client reads a reply; a server's error reply is a value ({@link Error}),
 * not an exception.
 */
public sealed interface RespValue {

    /** A simple string such as {@code OK} or {@code PONG}. */
    record Status(String text) implements RespValue {
    }

    /** An error reply; {@code message} starts with its code, e.g. {@code ERR ...}. */
    record Error(String message) implements RespValue {
    }

    /** An integer, signed 64-bit. */
    record Int(long value) implements RespValue {
    }

    /** A bulk string, binary-safe. */
    record Bulk(byte[] value) implements RespValue {
        @Override
        public boolean equals(Object o) {
            return o instanceof Bulk b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Bulk[" + RedisCliFormat.quote(value) + "]";
        }
    }

    /** An array of values, nested or not. */
    record Array(List<RespValue> items) implements RespValue {
        public Array {
            items = List.copyOf(items);
        }
    }

    /** The null bulk string ({@code $-1}) or, with {@code array}, the null array ({@code *-1}). */
    record Nil(boolean array) implements RespValue {
    }
}
