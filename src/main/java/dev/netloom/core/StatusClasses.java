package dev.netloom.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Responses counted by the class of their three-digit code (1xx to 5xx): an HTTP service's status
 * codes, and the reply codes of FTP and SMTP, for the {@code status} line and
 * {@code netloom_responses_total{result}}.
 */
public final class StatusClasses {

    private final LongAdder[] byClass = new LongAdder[6];

    public StatusClasses() {
        for (int i = 0; i < byClass.length; i++) {
            byClass[i] = new LongAdder();
        }
    }

    /**
     * Counts one response with {@code status} here, and in the service's {@code counters} as a
     * request, and as an error when it is a 5xx: what every HTTP service does per response.
     */
    public void countResponse(int status, ServiceStats counters) {
        count(status);
        counters.request();
        if (status >= 500) {
            counters.error();
        }
    }

    /** Counts one response with {@code status}. */
    public void count(int status) {
        byClass[Math.min(5, Math.max(0, status / 100))].increment();
    }

    /** {@code responses 1xx N, 2xx N, 3xx N, 4xx N, 5xx N}, from class {@code from} (1 or 2) up. */
    public String describe(int from) {
        StringBuilder sb = new StringBuilder("responses ");
        for (int c = from; c <= 5; c++) {
            sb.append(c == from ? "" : ", ").append(c).append("xx ").append(byClass[c].sum());
        }
        return sb.toString();
    }

    /** The counts by class, {@code 1xx} to {@code 5xx}, in order. */
    public Map<String, Long> counts() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int c = 1; c <= 5; c++) {
            m.put(c + "xx", byClass[c].sum());
        }
        return m;
    }
}
