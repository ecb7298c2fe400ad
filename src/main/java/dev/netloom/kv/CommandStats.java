package dev.netloom.kv;

import java.util.Locale;

/**
 * One command's line of {@code INFO commandstats}, as Redis 7.0 keeps it: the calls that ran,
 * their time, the calls refused before they ran ({@code rejected_calls}: wrong arity, MISCONF,
 * OOM, a command not allowed where it was sent) and those that ran and answered an error
 * ({@code failed_calls}). Changed and read under the store's lock.
 */
final class CommandStats {

    long calls;
    long nanos;
    long rejected;
    long failed;

    boolean used() {
        return calls + rejected + failed > 0;
    }

    /** {@code calls=N,usec=N,usec_per_call=N.NN,rejected_calls=N,failed_calls=N}. */
    String line() {
        long usec = nanos / 1000;
        return "calls=" + calls + ",usec=" + usec + ",usec_per_call="
                + String.format(Locale.ROOT, "%.2f", calls == 0 ? 0.0 : (double) usec / calls)
                + ",rejected_calls=" + rejected + ",failed_calls=" + failed;
    }

    void reset() {
        calls = 0;
        nanos = 0;
        rejected = 0;
        failed = 0;
    }
}
