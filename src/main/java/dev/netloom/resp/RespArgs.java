package dev.netloom.resp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line into words as Redis's {@code sdssplitargs} does, for both redis-cli's prompt and
 * the server's inline commands: words are separated by blanks; in double quotes {@code \xHH},
 * {@code \n \r \t \b \a} and a backslash before any other character (such as {@code \"}) are
 * escapes; in single quotes only {@code \'} is. A quote may start inside a word ({@code a"b c"}
 * is {@code ab c}), and a closing quote must end its word. An unquoted word ends at a space,
 * tab, CR or LF (a vertical tab or form feed stays in it, as in Redis), while the blanks skipped
 * between words are C's {@code isspace}.
 */
public final class RespArgs {

    private RespArgs() {
    }

    /**
     * The words of {@code line}; text outside escapes becomes UTF-8.
     *
     * @throws IllegalArgumentException unbalanced quotes, or a closing quote followed by more
     *                                  of the word (redis-cli says "Invalid argument(s)")
     */
    public static List<byte[]> split(String line) {
        byte[] p = line.getBytes(StandardCharsets.UTF_8);
        return List.of(split(p, 0, p.length));
    }

    /**
     * The words of {@code b[from, to)}.
     *
     * @throws IllegalArgumentException unbalanced quotes, or a closing quote followed by more
     *                                  of the word
     */
    public static byte[][] split(byte[] b, int from, int to) {
        List<byte[]> words = new ArrayList<>();
        ByteArrayOutputStream word = new ByteArrayOutputStream();
        int i = from;
        while (true) {
            while (i < to && isSpace(b[i])) {
                i++;
            }
            if (i >= to) {
                return words.toArray(new byte[0][]);
            }
            word.reset();
            i = word(b, i, to, word);
            words.add(word.toByteArray());
        }
    }

    /** Reads one word starting at {@code i} into {@code word}; returns the index after it. */
    private static int word(byte[] b, int i, int to, ByteArrayOutputStream word) {
        boolean inDouble = false;
        boolean inSingle = false;
        while (true) {
            int c = i < to ? b[i] & 0xff : -1;
            if (inDouble) {
                if (c == '\\' && i + 3 < to && b[i + 1] == 'x' && hex(b[i + 2]) >= 0 && hex(b[i + 3]) >= 0) {
                    word.write(hex(b[i + 2]) * 16 + hex(b[i + 3]));
                    i += 3;
                } else if (c == '\\' && i + 1 < to) {
                    i++;
                    word.write(switch (b[i]) {
                        case 'n' -> '\n';
                        case 'r' -> '\r';
                        case 't' -> '\t';
                        case 'b' -> '\b';
                        case 'a' -> 7;
                        default -> b[i];
                    });
                } else if (c == '"') {
                    return closed(b, i, to);
                } else if (c < 0) {
                    throw new IllegalArgumentException("unbalanced quotes");
                } else {
                    word.write(c);
                }
            } else if (inSingle) {
                if (c == '\\' && i + 1 < to && b[i + 1] == '\'') {
                    i++;
                    word.write('\'');
                } else if (c == '\'') {
                    return closed(b, i, to);
                } else if (c < 0) {
                    throw new IllegalArgumentException("unbalanced quotes");
                } else {
                    word.write(c);
                }
            } else {
                switch (c) {
                    case ' ', '\n', '\r', '\t', -1 -> {
                        return i;
                    }
                    case '"' -> inDouble = true;
                    case '\'' -> inSingle = true;
                    default -> word.write(c);
                }
            }
            i++;
        }
    }

    /** The index after the closing quote at {@code quote}, which must end its word. */
    private static int closed(byte[] b, int quote, int to) {
        if (quote + 1 < to && !isSpace(b[quote + 1])) {
            throw new IllegalArgumentException("a closing quote must be followed by a space or the end of the line");
        }
        return quote + 1;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || (c >= '\t' && c <= '\r'); // C's isspace: space, \t \n \v \f \r
    }

    private static int hex(byte c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
