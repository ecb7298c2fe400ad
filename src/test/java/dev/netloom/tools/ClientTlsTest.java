package dev.netloom.tools;

import dev.netloom.chat.ChatTlsService;
import dev.netloom.core.LocalCa;
import dev.netloom.core.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ClientTls against a real TLS server (chat-tls) whose certificate the default trust does not
 * know: the refusal says that it is not trusted, whose it is and how to trust it or skip the
 * check, and a name the certificate lacks is told with the names it has; --cafile with the local
 * CA and -k both get through.
 */
class ClientTlsTest {

    @TempDir
    Path home;
    private Service chat;

    @BeforeEach
    void start() {
        chat = ChatTlsService.type().create(ChatTlsService.type().settings(Map.of(), Map.of("port", "0"), home));
        chat.start();
    }

    @AfterEach
    void stop() {
        chat.close();
    }

    private void handshake(SSLContext ctx, String host) throws Exception {
        try (Socket raw = new Socket("127.0.0.1", chat.address().getPort())) {
            raw.setSoTimeout(10_000);
            SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(raw, host, chat.address().getPort(), true);
            var params = ssl.getSSLParameters();
            if (ClientTls.checksCertificates(ctx)) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            ssl.setSSLParameters(params);
            ssl.startHandshake();
        }
    }

    @Test
    void anUntrustedCertificateIsToldInWords() throws Exception {
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                () -> handshake(ClientTls.context(null, false), "localhost"));
        String m = e.getMessage();
        assertTrue(m.contains("the server's certificate is not trusted"), m);
        assertTrue(m.contains("CN=localhost"), m);
        assertTrue(m.contains("issued by 'CN=netloom local CA"), m);
        assertTrue(m.contains("netloom tls trust"), m);
        assertTrue(m.contains("--cafile PEM"), m);
        assertTrue(m.contains("-k"), m);
        assertFalse(m.contains("PKIX path building failed"), m);
    }

    @Test
    void theLocalCaAsCafileIsTrustedAndTheHostNameIsChecked() throws Exception {
        SSLContext ca = ClientTls.context(LocalCa.certificateFile(home), false);
        handshake(ca, "localhost");
        handshake(ca, "127.0.0.1");
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> handshake(ca, "mail.example.test"));
        String m = e.getMessage();
        assertTrue(m.contains("does not name mail.example.test"), m);
        assertTrue(m.contains("localhost") && m.contains("127.0.0.1"), m);
        assertTrue(m.contains("-k"), m);
    }

    @Test
    void insecureSkipsTheCheck() throws Exception {
        SSLContext k = ClientTls.context(null, true);
        assertFalse(ClientTls.checksCertificates(k));
        handshake(k, "mail.example.test");
    }
}
