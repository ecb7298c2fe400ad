package dev.netloom.http1;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code Range: bytes=...} header (RFC 9110 §14.1-14.2) resolved against a representation
 * of known length: {@code 0-99}, open {@code 100-}, suffix {@code -100}, several separated by
 * commas.
 *
 * <p>Against a request that makes the server send more than the file (RFC 9110 §17.15: 32
 * copies of {@code 0-}): when the ranges asked for add up to more than the representation, the
 * whole of it is sent once with 200, as nginx does; otherwise overlapping and adjacent ranges are
 * merged in ascending order (RFC 9110 §14.2 lets a server coalesce them), so no byte is sent twice.
 */
public final class ByteRanges {

    /** An inclusive byte range within the representation. */
    public record Range(long first, long last) {
        public long length() {
            return last - first + 1;
        }
    }

    /** What to do with a Range header. */
    public sealed interface Result permits Full, Partial, Unsatisfiable {
    }

    /** Ignore the header and send the whole representation (absent, malformed, or not worth it). */
    public record Full() implements Result {
    }

    public record Partial(List<Range> ranges) implements Result {
    }

    /** No range overlaps the representation: 416. */
    public record Unsatisfiable() implements Result {
    }

    /** More ranges than this are treated as abuse and answered with the whole representation. */
    private static final int MAX_RANGES = 32;

    private ByteRanges() {
    }

    public static Result parse(String header, long size) {
        if (header == null) {
            return new Full();
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return new Full(); // another unit: ignored, as RFC 9110 §14.2 allows
        }
        String[] specs = h.substring(6).split(",", -1);
        if (specs.length > MAX_RANGES) {
            return new Full();
        }
        List<Range> ranges = new ArrayList<>();
        for (String spec : specs) {
            String s = spec.strip();
            int dash = s.indexOf('-');
            if (dash < 0 || s.indexOf('-', dash + 1) >= 0) {
                return new Full();
            }
            String a = s.substring(0, dash);
            String b = s.substring(dash + 1);
            long first;
            long last;
            try {
                if (a.isEmpty()) { // suffix: the last N bytes
                    long n = number(b);
                    if (n == 0) {
                        continue;
                    }
                    first = Math.max(0, size - n);
                    last = size - 1;
                } else {
                    first = number(a);
                    last = b.isEmpty() ? size - 1 : Math.min(number(b), size - 1);
                    if (!b.isEmpty() && number(b) < first) {
                        return new Full(); // last < first: the header is invalid
                    }
                }
            } catch (NumberFormatException e) {
                return new Full();
            }
            if (first < size && first <= last) {
                ranges.add(new Range(first, last));
            }
        }
        if (ranges.isEmpty()) {
            return new Unsatisfiable();
        }
        long asked = 0;
        for (Range r : ranges) {
            asked += r.length(); // at most 32 ranges of at most size bytes: no overflow
        }
        if (ranges.size() > 1 && asked > size) {
            return new Full();
        }
        return new Partial(merged(ranges));
    }

    /** The ranges sorted, with overlapping and adjacent ones joined. */
    private static List<Range> merged(List<Range> ranges) {
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong(Range::first));
        List<Range> out = new ArrayList<>();
        for (Range r : sorted) {
            Range prev = out.isEmpty() ? null : out.get(out.size() - 1);
            if (prev != null && r.first() <= prev.last() + 1) {
                out.set(out.size() - 1, new Range(prev.first(), Math.max(prev.last(), r.last())));
            } else {
                out.add(r);
            }
        }
        return List.copyOf(out);
    }

    private static long number(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new NumberFormatException(s);
        }
        return Long.parseLong(s);
    }
}
