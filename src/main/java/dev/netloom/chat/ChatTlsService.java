package dev.netloom.chat;

import dev.netloom.core.Connection;
import dev.netloom.core.Key;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.TlsIdentity;
import dev.netloom.core.TlsUpgrade;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code chat-tls}: the same chat over TLS 1.3/1.2, on the same blocking model: each connection
 * starts TLS on its virtual thread ({@link Connection#startTls}, handshake within 10 s) and then
 * runs the chat session over the TLS streams; bytes in/out are counted on the wire. The key comes from
 * {@link TlsIdentity} (made self-signed on first start). Works with {@code openssl s_client}.
 */
public final class ChatTlsService extends ChatService {

    public static final int DEFAULT_PORT = 7011;

    private volatile TlsUpgrade tls;

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
        tls = new TlsUpgrade(settings).load(); // a bad keystore fails the start, not every client
        return super.open();
    }

    @Override
    protected void serve(Connection c) throws IOException {
        c.busy("TLS handshake");
        c.activity(c.startTls(tls).getProtocol());
        if (!c.idle()) {
            return;
        }
        serve(c, c.in(), c.out());
    }
}
