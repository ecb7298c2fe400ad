package dev.netloom.proxy;

/**
 * An origin could not give a response, in HTTP terms: 502 (no such name, refused, a malformed
 * response), 504 (a connect or read timeout). The message names the cause for the error page.
 */
final class OriginException extends Exception {

    private final int status;

    OriginException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    int status() {
        return status;
    }
}
