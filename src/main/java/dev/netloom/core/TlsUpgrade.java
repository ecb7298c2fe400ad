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
 * An upgrade made without session tickets has a context of its own (FTPS upload data connections).
 */
public final class TlsUpgrade {

    private static final int HANDSHAKE_MILLIS = 10_000;
    /** RFC 8446's longest ticket lifetime, 7 days, and a second: SunJSSE issues no ticket for a longer session. */
    private static final int NO_TICKETS_TIMEOUT = 604_801;

    private final Settings settings;
    private final boolean sessionTickets;
    private final boolean needClientAuth;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile SSLContext context;

    public TlsUpgrade(Settings settings) {
        this(settings, true);
    }

    /**
     * With {@code sessionTickets} false, a context of its own that sends no session tickets: no
     * TLS 1.3 NewSessionTicket after the handshake (nor a TLS 1.2 ticket), so its sessions are not
     * resumed. For a peer that only writes, such as the client of an FTPS upload: it never reads
     * the tickets, and a socket closed with unread bytes is reset (RST), which throws away what
     * the server had not read yet.
     */
    public TlsUpgrade(Settings settings, boolean sessionTickets) {
        this.settings = settings;
        this.sessionTickets = sessionTickets;
        this.needClientAuth = false;
    }

    /**
     * TLS with a context of the caller's instead of the service's keystore (p2p's peer key), the
     * client made to present a certificate when {@code needClientAuth}.
     */
    public TlsUpgrade(SSLContext context, boolean needClientAuth) {
        this.settings = null;
        this.sessionTickets = true;
        this.needClientAuth = needClientAuth;
        this.context = context;
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
        ssl.setNeedClientAuth(needClientAuth);
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
                    SSLContext made = TlsIdentity.serverContext(settings);
                    if (!sessionTickets) {
                        made.getServerSessionContext().setSessionTimeout(NO_TICKETS_TIMEOUT);
                    }
                    context = made;
                }
                ctx = context;
            } finally {
                lock.unlock();
            }
        }
        return ctx;
    }
}
