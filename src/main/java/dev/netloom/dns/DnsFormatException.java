package dev.netloom.dns;

import java.io.IOException;

/**
 * A DNS message that cannot be parsed or built: cut short, a compression pointer loop, a label
 * or a name over its limit, record data that does not fill its length. The message says what
 * and at which byte offset. It is an {@link IOException} because a malformed reply is a
 * failure of the exchange, reported like a lost one.
 */
public final class DnsFormatException extends IOException {
    public DnsFormatException(String message) {
        super(message);
    }
}
