package dev.netloom.echo;

import dev.netloom.core.Service;
import dev.netloom.core.ServiceState;
import dev.netloom.core.StopResult;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpperServiceTest {

    @Test
    void linesComeBackUpperCasedWithTheirTerminator() throws IOException {
        try (Service upper = Net.start(UpperService.type()); Socket s = Net.connect(upper)) {
            s.getOutputStream().write(Net.utf8("hello\r\nstraße é\nlast"));
            s.shutdownOutput();
            assertEquals("HELLO\r\nSTRASSE É\nLAST", new String(s.getInputStream().readAllBytes(), "UTF-8"));
            await().atMost(Duration.ofSeconds(5)).until(() -> upper.stats().requests() == 3);
        }
    }

    @Test
    void aTooLongLineGetsAnErrorAndTheConnectionGoesOn() throws IOException {
        try (Service upper = Net.start(UpperService.type(), "max-line=16"); Socket s = Net.connect(upper)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(Net.utf8("x".repeat(100_000) + "\nfine\n"));
            assertEquals("ERR line too long (max 16 bytes)", Net.readLine(in));
            assertEquals("FINE", Net.readLine(in));
            assertEquals(1, upper.stats().errors());
        }
    }

    @Test
    void overTheLimitTheClientIsToldAndClosed() throws IOException {
        try (Service upper = Net.start(UpperService.type(), "max-connections=1"); Socket first = Net.connect(upper)) {
            first.getOutputStream().write(Net.utf8("a\n"));
            assertEquals("A", Net.readLine(first.getInputStream()));
            try (Socket second = Net.connect(upper)) {
                InputStream in = second.getInputStream();
                assertEquals("ERR server busy: too many connections (max 1)", Net.readLine(in));
                assertEquals(-1, in.read());
            }
            assertEquals(1, upper.stats().rejected());
        }
    }

    @Test
    void stopLetsAnExchangeInProgressFinish() throws Exception {
        Service upper = Net.start(UpperService.type());
        try (Socket busy = Net.connect(upper); Socket idle = Net.connect(upper)) {
            busy.getOutputStream().write(Net.utf8("half a li"));
            await().atMost(Duration.ofSeconds(5)).until(() -> upper.connections().stream()
                    .anyMatch(c -> c.activity().equals("line")));
            CompletableFuture<StopResult> stopping = CompletableFuture.supplyAsync(() -> upper.stop(Duration.ofSeconds(10)));
            await().atMost(Duration.ofSeconds(5)).until(() -> upper.state() == ServiceState.STOPPING);
            assertEquals(-1, idle.getInputStream().read(), "an idle connection is closed at once");
            assertThrows(ConnectException.class, () -> Net.connect(upper).close(), "no new connections");

            busy.getOutputStream().write(Net.utf8("ne\n"));
            assertEquals("HALF A LINE", Net.readLine(busy.getInputStream()));
            assertEquals(-1, busy.getInputStream().read(), "closed after its reply");
            StopResult r = stopping.get();
            assertTrue(r.graceful(), r.describe());
            assertEquals(ServiceState.STOPPED, upper.state());
        }
    }

    @Test
    void stopClosesWhatIsStillBusyAtTheDeadline() throws Exception {
        Service upper = Net.start(UpperService.type());
        try (Socket stuck = Net.connect(upper)) {
            stuck.getOutputStream().write(Net.utf8("never finished"));
            await().atMost(Duration.ofSeconds(5)).until(() -> upper.connections().stream()
                    .anyMatch(c -> c.activity().equals("line")));
            StopResult r = upper.stop(Duration.ofMillis(300));
            assertFalse(r.graceful());
            assertEquals(1, r.forced());
            assertEquals(-1, stuck.getInputStream().read());
            assertEquals(ServiceState.STOPPED, upper.state());
        }
    }
}
