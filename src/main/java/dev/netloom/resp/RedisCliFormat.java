package dev.netloom.resp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A reply as redis-cli prints it, kept apart from the protocol: {@link #format} as on a terminal
 * ({@code (integer) 1}, {@code 1) "a"}, {@code (nil)}), {@link #raw} as with {@code --raw}, and
 * {@link #quote} for a value in double quotes.
 */
public final class RedisCliFormat {

    private RedisCliFormat() {
    }

    /**
     * The reply as redis-cli prints it on a terminal: {@code "value"} (escaped as
     * {@link #quote}), {@code (nil)}, {@code (integer) 5}, {@code (error) ERR ...}, a status as
     * is, {@code (empty array)}, and arrays numbered {@code 1) }, nested ones indented under
     * their number. Every line ends with a newline.
     */
    public static String format(RespValue reply) {
        StringBuilder sb = new StringBuilder();
        formatTo(reply, "", sb);
        return sb.toString();
    }

    // redis-cli's cliFormatReplyTTY: an item's number is right-aligned to the widest in its
    // array, and a nested array's lines after its first are indented past that number.
    private static void formatTo(RespValue reply, String prefix, StringBuilder sb) {
        switch (reply) {
            case RespValue.Status s -> sb.append(s.text()).append('\n');
            case RespValue.Error e -> sb.append("(error) ").append(e.message()).append('\n');
            case RespValue.Int i -> sb.append("(integer) ").append(i.value()).append('\n');
            case RespValue.Bulk b -> sb.append(quote(b.value())).append('\n');
            case RespValue.Nil n -> sb.append("(nil)\n");
            case RespValue.Array a when a.items().isEmpty() -> sb.append("(empty array)\n");
            case RespValue.Array a -> {
                int width = String.valueOf(a.items().size()).length();
                String nested = prefix + " ".repeat(width + 2);
                for (int i = 0; i < a.items().size(); i++) {
                    String number = String.valueOf(i + 1);
                    sb.append(i == 0 ? "" : prefix).append(" ".repeat(width - number.length())).append(number).append(") ");
                    formatTo(a.items().get(i), nested, sb);
                }
            }
        }
    }

    /**
     * {@code value} in double quotes as redis-cli shows it (sdscatrepr): {@code \\ \" \n \r \t
     * \a \b} escaped, other bytes outside printable ASCII as {@code \xHH}.
     */
    public static String quote(byte[] value) {
        StringBuilder sb = new StringBuilder(value.length + 2).append('"');
        for (byte v : value) {
            int c = v & 0xff;
            switch (c) {
                case '\\', '"' -> sb.append('\\').append((char) c);
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /**
     * The reply as {@code redis-cli --raw} prints it: values as they are, array items one per
     * line, an integer as its digits, an error's message, nothing for nil; then a newline.
     */
    public static byte[] raw(RespValue reply) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        rawTo(reply, b);
        b.write('\n');
        return b.toByteArray();
    }

    private static void rawTo(RespValue reply, ByteArrayOutputStream b) {
        switch (reply) {
            case RespValue.Status s -> b.writeBytes(s.text().getBytes(StandardCharsets.UTF_8));
            case RespValue.Error e -> b.writeBytes((e.message() + "\n").getBytes(StandardCharsets.UTF_8));
            case RespValue.Int i -> b.writeBytes(Long.toString(i.value()).getBytes(StandardCharsets.US_ASCII));
            case RespValue.Bulk v -> b.writeBytes(v.value());
            case RespValue.Nil n -> {
            }
            case RespValue.Array a -> {
                for (int i = 0; i < a.items().size(); i++) {
                    if (i > 0) {
                        b.write('\n');
                    }
                    rawTo(a.items().get(i), b);
                }
            }
        }
    }
}
