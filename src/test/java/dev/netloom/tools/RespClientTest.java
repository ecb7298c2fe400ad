package dev.netloom.tools;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RESP2 client on sockets: a silent server, a refused connection (the protocol is in RespTest). */
class RespClientTest {

    @Test
    void aSilentServerTimesOutAndARefusedConnectionSaysSo() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             RespClient client = RespClient.connect("127.0.0.1", silent.getLocalPort());
             Socket accepted = silent.accept()) {
            assertEquals("127.0.0.1:" + silent.getLocalPort(), client.server());
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                    () -> client.call(List.of(b("PING")), Duration.ofMillis(300)));
            assertEquals("no reply from 127.0.0.1:" + silent.getLocalPort() + " within 300ms", e.getMessage());
            assertEquals("*1\r\n$4\r\nPING\r\n", new String(accepted.getInputStream().readNBytes(14), StandardCharsets.UTF_8));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ConnectException e = assertThrows(ConnectException.class, () -> RespClient.connect("127.0.0.1", port));
        assertEquals("cannot connect to 127.0.0.1:" + port + ": Connection refused", e.getMessage());
        String v6 = assertThrows(ConnectException.class, () -> RespClient.connect("::1", port)).getMessage();
        assertTrue(v6.startsWith("cannot connect to [::1]:" + port + ": "), v6);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
