package dev.netloom.core;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.locks.ReentrantLock;

/**
 * TLS as the server with the service's {@link TlsIdentity}: for {@link Connection#startTls} (FTP's
 * AUTH TLS, SMTP's STARTTLS, chat-tls from the first byte) and for auxiliary sockets such as FTP's
 * protected data connections ({@link #wrap}). The context is loaded (or the keystore and the
 * local CA made) on the first upgrade, so a server nobody asks for TLS never makes keys. The
 * handshake gets at most 10 s; after it the socket's own read timeout applies again.
 */
public final class TlsUpgrade {

    private static final int HANDSHAKE_MILLIS = 10_000;

    private final Settings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile SSLContext context;

    public TlsUpgrade(Settings settings) {
        this.settings = settings;
    }

    /**
     * Loads the context now (a TLS-only service does at start, so that a bad keystore fails the
     * start rather than every client); returns this.
     *
     * @throws IOException when the keystore cannot be made or read
     */
    public TlsUpgrade load() throws IOException {
        context();
        return this;
    }

    /**
     * {@code raw} wrapped in a server-side TLS socket, not yet shaken hands.
     *
     * @throws IOException when the keystore cannot be made or read
     */
    public SSLSocket wrap(Socket raw) throws IOException {
        SSLSocket ssl = (SSLSocket) context().getSocketFactory().createSocket(raw,
                raw.getInetAddress().getHostAddress(), raw.getPort(), true);
        ssl.setUseClientMode(false);
        ssl.setEnabledProtocols(TlsIdentity.PROTOCOLS.toArray(String[]::new));
        int timeout = raw.getSoTimeout();
        ssl.setSoTimeout(timeout == 0 ? HANDSHAKE_MILLIS : Math.min(timeout, HANDSHAKE_MILLIS));
        ssl.addHandshakeCompletedListener(e -> {
            try {
                e.getSocket().setSoTimeout(timeout);
            } catch (IOException ignored) {
                // the socket closed: its reader finds out
            }
        });
        return ssl;
    }

    private SSLContext context() throws IOException {
        SSLContext ctx = context;
        if (ctx == null) {
            lock.lock();
            try {
                if (context == null) {
                    context = TlsIdentity.serverContext(settings);
                }
                ctx = context;
            } finally {
                lock.unlock();
            }
        }
        return ctx;
    }
}
