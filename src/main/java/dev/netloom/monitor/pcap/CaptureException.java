package dev.netloom.monitor.pcap;

import java.io.IOException;

/**
 * A live capture that could not start or went wrong, with libpcap's own words in the message
 * and the reason as a {@link Reason}, so that a caller can tell "not permitted" (what to grant is
 * in the message) from a bad filter, a missing interface or a missing libpcap.
 */
public final class CaptureException extends IOException {

    private static final long serialVersionUID = 1L;

    private final Reason reason;

    /** Why a capture failed. */
    public enum Reason {
        /** libpcap (or JNA's native part) could not be loaded. */
        NO_LIBRARY,
        /** The process may not capture: not root and without CAP_NET_RAW and CAP_NET_ADMIN. */
        NOT_PERMITTED,
        /** No interface of that name. */
        NO_SUCH_INTERFACE,
        /** The filter expression did not compile. */
        BAD_FILTER,
        /** Anything else libpcap reported. */
        FAILED
    }

    CaptureException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Why the capture failed. */
    public Reason reason() {
        return reason;
    }
}
