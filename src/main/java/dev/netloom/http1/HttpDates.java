package dev.netloom.http1;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 §5.6.7): IMF-fixdate out ({@code Sun, 06 Nov 1994 08:49:37 GMT}); in,
 * also the obsolete RFC 850 and asctime forms. The current date is formatted once per second.
 */
public final class HttpDates {

    private static final DateTimeFormatter IMF = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC850 = DateTimeFormatter
            .ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter
            .ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC);

    private record Cached(long second, byte[] bytes) {
    }

    private static volatile Cached now = new Cached(-1, new byte[0]);

    private HttpDates() {
    }

    public static String format(long epochMillis) {
        return IMF.format(Instant.ofEpochMilli(epochMillis));
    }

    /** The current time as IMF-fixdate bytes, formatted at most once per second. */
    public static byte[] nowBytes() {
        long second = System.currentTimeMillis() / 1000;
        Cached c = now;
        if (c.second != second) {
            c = new Cached(second, format(second * 1000).getBytes(StandardCharsets.US_ASCII));
            now = c;
        }
        return c.bytes;
    }

    /** Epoch millis of an HTTP date, or -1 when the text is not one (then the header is ignored). */
    public static long parse(String text) {
        String s = text.strip();
        for (DateTimeFormatter f : new DateTimeFormatter[] {IMF, RFC850, ASCTIME}) {
            try {
                ZonedDateTime t = ZonedDateTime.parse(s, f);
                if (f == RFC850 && t.getYear() > ZonedDateTime.now(ZoneOffset.UTC).getYear() + 50) {
                    t = t.minusYears(100); // two-digit years more than 50 years ahead are in the past
                }
                return t.toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                // try the next form
            }
        }
        return -1;
    }
}
