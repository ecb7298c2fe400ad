package dev.netloom.http1;

/**
 * A request that must be answered with an error status, after which the connection is closed
 * (a message whose framing cannot be trusted cannot be followed by another).
 */
public final class HttpException extends Exception {
    private final int status;

    public HttpException(int status, String detail) {
        super(detail, null, false, false); // thrown on bad input: no stack trace to fill
        this.status = status;
    }

    public int status() {
        return status;
    }
}
