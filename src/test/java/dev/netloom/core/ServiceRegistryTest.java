package dev.netloom.core;

import dev.netloom.Catalogue;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lifecycle through the registry, as the shell drives it. */
class ServiceRegistryTest {

    private static ServiceRegistry registry() {
        return new ServiceRegistry(Catalogue.all(), ConfigFile.empty());
    }

    @Test
    void startStopRestart() throws IOException {
        try (ServiceRegistry r = registry()) {
            Service first = r.start("echo", Map.of("port", "0"));
            assertEquals(ServiceState.RUNNING, first.state());
            assertNotEquals(0, first.address().getPort());
            try (Socket s = new Socket(first.address().getAddress(), first.address().getPort())) {
                s.getOutputStream().write(Net.utf8("ping\n"));
                assertEquals("ping", Net.readLine(s.getInputStream()));
            }
            assertTrue(assertThrows(ServiceException.class, () -> r.start("echo", Map.of()))
                    .getMessage().startsWith("echo is already running"));

            Service second = r.restart("echo");
            assertEquals(ServiceState.STOPPED, first.state(), "an instance is used once");
            assertEquals(ServiceState.RUNNING, second.state());
            assertEquals("0", second.settings().entries().stream()
                    .filter(e -> e.key().name().equals("port")).findFirst().orElseThrow().text(), "restart keeps overrides");

            StopResult stop = r.stop("echo", Duration.ofSeconds(1));
            assertTrue(stop.graceful());
            assertEquals(ServiceState.STOPPED, second.state());
            assertThrows(ServiceException.class, () -> r.stop("echo", null));
            assertTrue(assertThrows(ServiceException.class, second::start).getMessage().contains("already started"));
        }
    }

    @Test
    void takenPortFailsWithAClearMessage() throws IOException {
        try (ServiceRegistry r = registry()) {
            ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
            int port = taken.getLocalPort();
            try (taken) {
                ServiceException e = assertThrows(ServiceException.class,
                        () -> r.start("upper", Map.of("port", String.valueOf(port))));
                assertEquals("upper: cannot listen on 127.0.0.1:" + port + ": address already in use", e.getMessage());
                Service failed = r.instance("upper").orElseThrow();
                assertEquals(ServiceState.FAILED, failed.state());
                assertTrue(failed.failure().isPresent());
            }
            // a failed service can be started again once the port is free
            assertEquals(ServiceState.RUNNING, r.start("upper", Map.of("port", String.valueOf(port))).state());
        }
    }

    @Test
    void udpPortTakenFailsToo() throws IOException {
        try (ServiceRegistry r = registry(); java.net.DatagramSocket taken = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            ServiceException e = assertThrows(ServiceException.class,
                    () -> r.start("udp-echo", Map.of("port", String.valueOf(taken.getLocalPort()))));
            assertTrue(e.getMessage().endsWith("address already in use"), e.getMessage());
            assertEquals(ServiceState.FAILED, r.instance("udp-echo").orElseThrow().state());
        }
    }

    @Test
    void unknownServiceAndBadOverridesStartNothing() {
        try (ServiceRegistry r = registry()) {
            assertTrue(assertThrows(ServiceException.class, () -> r.start("ecko", Map.of()))
                    .getMessage().startsWith("unknown service 'ecko'; services are echo, upper"));
            assertThrows(ConfigException.class, () -> r.start("echo", Map.of("port", "-1")));
            assertTrue(r.instance("echo").isEmpty());
        }
    }
}
