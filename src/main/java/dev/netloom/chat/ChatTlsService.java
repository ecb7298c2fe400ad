package dev.netloom.chat;

import dev.netloom.core.Connection;
import dev.netloom.core.Key;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.TlsIdentity;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code chat-tls}: the same chat over TLS 1.3/1.2, on the same blocking model: each accepted
 * socket is wrapped in a server-side {@link SSLSocket} on its virtual thread, which does the
 * handshake (within 10 s) and then runs the chat session over the TLS streams. The key comes from
 * {@link TlsIdentity} (made self-signed on first start). Works with {@code openssl s_client}.
 */
public final class ChatTlsService extends ChatService {

    public static final int DEFAULT_PORT = 7011;
    private static final int HANDSHAKE_MILLIS = 10_000;

    private volatile SSLContext tls;

    public static ServiceType type() {
        List<Key<?>> keys = new ArrayList<>(ChatConfig.keys(DEFAULT_PORT));
        keys.addAll(TlsIdentity.keys());
        return new ServiceType("chat-tls", "the chat over TLS 1.3/1.2 (openssl s_client works)", ServiceType.Transport.TCP,
                DEFAULT_PORT, keys, ChatTlsService::new);
    }

    public ChatTlsService(Settings settings) {
        super(settings);
    }

    @Override
    protected InetSocketAddress open() throws IOException {
        tls = TlsIdentity.serverContext(settings);
        return super.open();
    }

    @Override
    protected void serve(Connection c) throws IOException {
        Socket raw = c.socket();
        raw.setTcpNoDelay(true);
        // The TLS layer reads and writes the raw socket: bytes in/out are not counted for chat-tls.
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(raw, raw.getInetAddress().getHostAddress(),
                raw.getPort(), true);
        ssl.setUseClientMode(false);
        ssl.setEnabledProtocols(TlsIdentity.PROTOCOLS.toArray(String[]::new));
        raw.setSoTimeout(HANDSHAKE_MILLIS);
        c.busy("TLS handshake");
        ssl.startHandshake();
        raw.setSoTimeout(0);
        c.activity(ssl.getSession().getProtocol());
        if (!c.idle()) {
            return;
        }
        try {
            serve(c, ssl.getInputStream(), ssl.getOutputStream());
        } finally {
            ssl.close();
        }
    }
}
