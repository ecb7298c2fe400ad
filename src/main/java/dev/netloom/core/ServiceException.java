package dev.netloom.core;

/**
 * A service could not do what was asked (start, stop, find a connection), with a message fit
 * for the user: "echo: port 7007 on 127.0.0.1 is already in use".
 */
public final class ServiceException extends RuntimeException {
    public ServiceException(String message) {
        super(message);
    }

    public ServiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
