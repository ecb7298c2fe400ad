package dev.netloom.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.HostPort;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link MailApiClient} against a real smtp service and its JSON API on port 0. */
class MailApiClientTest {

    @TempDir
    Path home;
    private ServiceRegistry registry;
    private Service smtp;
    private MailApiClient client;

    @BeforeEach
    void start() {
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home));
        smtp = registry.start("smtp", Map.of("port", "0", "api-port", "0", "store", home.resolve("smtp.db").toString(),
                "keystore", home.resolve("tls.p12").toString(), "mode", "local", "domains", "example.test"));
        client = new MailApiClient(new HostPort("127.0.0.1", smtp.endpoints().get("smtp-api").getPort()));
    }

    @AfterEach
    void stop() {
        registry.stopAll();
    }

    /** Delivers one message over SMTP with a raw socket. */
    private void deliver(String subject, String body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", smtp.address().getPort())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            in.readLine();
            for (String line : new String[] {"HELO t", "MAIL FROM:<a@example.test>", "RCPT TO:<b@example.test>", "DATA"}) {
                out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                in.readLine();
            }
            out.write(("Subject: " + subject + "\r\n\r\n" + body + "\r\n.\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(in.readLine().startsWith("250"));
        }
    }

    @Test
    void listsReadsAndDeletes() throws IOException {
        deliver("first", "one");
        deliver("second", "two");
        JsonNode page = client.list(50, null, null);
        assertEquals(2, page.path("total").asLong());
        assertEquals("second", page.path("messages").get(0).path("subject").asText());
        assertEquals(1, client.list(50, "first", null).path("messages").size());
        assertEquals(0, client.list(50, null, "nobody@").path("messages").size());
        long id = page.path("messages").get(1).path("id").asLong();
        assertEquals("one", client.message(id).path("text").asText().strip());
        assertTrue(new String(client.raw(id), StandardCharsets.US_ASCII).contains("Subject: first\r\n"));
        client.delete(id);
        MailApiClient.Refused gone = assertThrows(MailApiClient.Refused.class, () -> client.message(id));
        assertEquals("no message " + id + " (HTTP 404)", gone.getMessage());
        client.deleteAll();
        assertEquals(0, client.list(50, null, null).path("total").asLong());
    }

    @Test
    void anAbsentAttachmentIsRefusedAndAClosedPortIsAConnectException() throws IOException {
        deliver("plain", "no attachments");
        long id = client.list(1, null, null).path("messages").get(0).path("id").asLong();
        assertTrue(assertThrows(MailApiClient.Refused.class, () -> client.attachment(id, 0)).getMessage().endsWith("(HTTP 404)"));
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        MailApiClient nowhere = new MailApiClient(new HostPort("127.0.0.1", closed));
        assertThrows(ConnectException.class, () -> nowhere.list(1, null, null));
    }
}
