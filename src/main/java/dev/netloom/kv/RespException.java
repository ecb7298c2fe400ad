package dev.netloom.kv;

import java.io.IOException;

/**
 * A request that breaks RESP: the connection gets {@code -ERR Protocol error: ...} (Redis's
 * wording) and is closed, since what follows cannot be framed.
 */
final class RespException extends IOException {

    RespException(String what) {
        super("Protocol error: " + what);
    }
}
