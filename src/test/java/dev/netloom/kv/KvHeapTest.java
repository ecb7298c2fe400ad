package dev.netloom.kv;

import dev.netloom.testing.Net;
import dev.netloom.testing.NetloomProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kv in a JVM of its own with a 64 MiB heap, against the commands whose memory the client picks:
 * a 26-byte SRANDMEMBER asking for gigabytes of reply, a SETRANGE asking for a 512 MiB string.
 * Each is answered, and the server goes on serving.
 */
class KvHeapTest {

    @TempDir
    Path home;

    @Test
    void oneCommandDoesNotExhaustASmallHeap() throws Exception {
        String log;
        try (NetloomProcess server = NetloomProcess.in(home).jvm("-Xmx64m").start("serve", "kv", "kv.port=0")) {
            int port = server.port("kv");
            try (Socket s = connect(port)) {
                InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
                send(s, "SADD", "few", "member-001", "member-002", "member-003");
                assertEquals(":3", Net.readLine(in).trim());
                send(s, "SRANDMEMBER", "few", "-300000000");
                assertEquals("*300000000", Net.readLine(in).trim());
                for (int i = 0; i < 500_000; i++) {
                    assertEquals("$10", Net.readLine(in).trim());
                    assertTrue(Net.readLine(in).startsWith("member-00"));
                }
            } // the client leaves in the middle of the reply
            try (Socket s = connect(port)) {
                InputStream in = new BufferedInputStream(s.getInputStream());
                send(s, "SETRANGE", "k", "536870000", "x");
                assertEquals("-OOM command not allowed: no memory for a string of 536870001 bytes", Net.readLine(in).trim());
                send(s, "DBSIZE");
                assertEquals(":1", Net.readLine(in).trim(), "nothing was stored, and the connection goes on");
                send(s, "SRANDMEMBER", "few", "-2");
                assertEquals("*2", Net.readLine(in).trim());
            }
            server.stop();
            log = server.out() + server.err();
        }
        assertTrue(!log.contains("OutOfMemoryError") && !log.contains("ERROR"), log);
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(30_000);
        return s;
    }

    private static void send(Socket s, String... argv) throws IOException {
        StringBuilder b = new StringBuilder("*").append(argv.length).append("\r\n");
        for (String a : argv) {
            b.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        s.getOutputStream().write(b.toString().getBytes(StandardCharsets.US_ASCII));
    }
}
