package dev.netloom.p2p.wire;

import java.io.IOException;

/**
 * A frame that breaks the protocol, with the {@link ErrorCode} the receiver sends back in an
 * ERROR frame before it closes.
 */
public final class WireException extends IOException {

    private final ErrorCode code;

    public WireException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** The ERROR frame that answers this. */
    public Frame.ErrorFrame toFrame() {
        return new Frame.ErrorFrame(code, getMessage());
    }
}
