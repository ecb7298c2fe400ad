package dev.netloom.core;

import java.io.IOException;
import java.net.Socket;

/**
 * The read timeout of a transport, which a {@link DataReader} shortens to what is left of a
 * deadline before each read and puts back afterwards. A connection's comes from
 * {@link Connection#reader}; a client's from its socket with {@link #of(Socket)}.
 */
public interface ReadTimeout {

    /** The read timeout in milliseconds, 0 = none. */
    int get() throws IOException;

    /** Makes a read wait at most {@code millis}, 0 = forever. */
    void set(int millis) throws IOException;

    /** A socket's read timeout ({@code SO_TIMEOUT}). */
    static ReadTimeout of(Socket socket) {
        return new ReadTimeout() {
            @Override
            public int get() throws IOException {
                return socket.getSoTimeout();
            }

            @Override
            public void set(int millis) throws IOException {
                socket.setSoTimeout(millis);
            }
        };
    }
}
