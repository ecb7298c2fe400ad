package dev.netloom.proxy;

import dev.netloom.http1.HttpDates;

/**
 * How old a stored response is and how long it stays fresh, kept with the entry (RFC 9111 §4.2).
 * Times are epoch milliseconds of this machine's clock; ages and lifetimes are milliseconds, and
 * {@link #ageSeconds} is what the {@code Age} field says.
 *
 * <p>The age is §4.2.3's: {@code corrected_initial_age = max(apparent_age, age_value +
 * response_delay)} at arrival, plus the time resident since. The lifetime is the first of
 * {@code s-maxage}, {@code max-age}, {@code Expires - Date} (an Expires that is not a date
 * makes it 0; a missing Date is the arrival time), and, only when none is given and the status is
 * cacheable by default or the response is {@code public}, the heuristic: 10% of the time since
 * {@code Last-Modified}, capped by {@code proxy.heuristic-max} (0 turns heuristics off).
 *
 * @param responseTime         when the response arrived
 * @param correctedInitialAge  its age on arrival
 * @param lifetime             its freshness lifetime
 * @param heuristic            whether the lifetime is a heuristic one
 */
public record Freshness(long responseTime, long correctedInitialAge, long lifetime, boolean heuristic) {

    /** The freshness of a response asked at {@code requestTime} and arrived at {@code responseTime}. */
    public static Freshness of(long requestTime, long responseTime, int status, Fields response, long heuristicMax) {
        long date = parseDate(response.get("Date"));
        long dateValue = date < 0 ? responseTime : date;
        long apparentAge = Math.max(0, responseTime - dateValue);
        long responseDelay = Math.max(0, responseTime - requestTime);
        long ageValue = CacheControl.deltaSeconds(firstValue(response.get("Age"))) * 1000;
        long corrected = Math.max(apparentAge, ageValue + responseDelay);

        CacheControl cc = CacheControl.parse(response.get("Cache-Control"));
        if (cc.sMaxAge() != CacheControl.ABSENT) {
            return new Freshness(responseTime, corrected, cc.sMaxAge() * 1000, false);
        }
        if (cc.maxAge() != CacheControl.ABSENT) {
            return new Freshness(responseTime, corrected, cc.maxAge() * 1000, false);
        }
        String expires = response.get("Expires");
        if (expires != null) {
            long at = parseDate(expires);
            return new Freshness(responseTime, corrected, at < 0 ? 0 : Math.max(0, at - dateValue), false);
        }
        return new Freshness(responseTime, corrected, heuristicLifetime(status, cc, response, dateValue, heuristicMax),
                true);
    }

    /** §4.2.2's lifetime, 0 when the response does not qualify or heuristics are off. */
    private static long heuristicLifetime(int status, CacheControl cc, Fields response, long dateValue, long max) {
        if (max <= 0 || !(cc.isPublic() || Storability.CACHEABLE_BY_DEFAULT.contains(status))) {
            return 0;
        }
        long lastModified = parseDate(response.get("Last-Modified"));
        if (lastModified < 0 || lastModified > dateValue) {
            return 0;
        }
        return Math.min(max, (dateValue - lastModified) / 10);
    }

    /** The date in {@code value} (the first, if several were joined), or -1. */
    private static long parseDate(String value) {
        if (value == null) {
            return -1;
        }
        return HttpDates.parse(value);
    }

    /** The first element of a joined list (Age given twice: the first counts). */
    private static String firstValue(String value) {
        if (value == null) {
            return null;
        }
        int comma = value.indexOf(',');
        return (comma < 0 ? value : value.substring(0, comma)).strip();
    }

    /** The response's age at {@code now} (§4.2.3's current_age). */
    public long currentAge(long now) {
        return correctedInitialAge + Math.max(0, now - responseTime);
    }

    /** The {@code Age} field's value at {@code now}: whole seconds, at most 2^31 (§5.1). */
    public long ageSeconds(long now) {
        return Math.min(CacheControl.MAX_DELTA, currentAge(now) / 1000);
    }

    /** Fresh at {@code now}: its lifetime is greater than its age (§4.2). */
    public boolean isFresh(long now) {
        return lifetime > currentAge(now);
    }

    /** How long past its lifetime it is at {@code now}; 0 while fresh. */
    public long staleness(long now) {
        return Math.max(0, currentAge(now) - lifetime);
    }
}
