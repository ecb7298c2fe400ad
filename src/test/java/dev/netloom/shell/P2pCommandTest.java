package dev.netloom.shell;

import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.ServiceRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shell's {@code p2p} command: a share in one shell, fetched by a second shell's {@code p2p
 * get}, each shell with its own p2p service (both in this JVM, each on a port of its own), then
 * the status table and the errors a user meets.
 */
class P2pCommandTest extends ShellInHome {

    @Test
    void shareInOneShellGetInAnotherAndShowTheStatus() throws Exception {
        byte[] data = new byte[700_000];
        new Random(3).nextBytes(data);
        Path folder = Files.createDirectories(home.resolve("share/album"));
        Files.write(folder.resolve("one.bin"), data);
        Files.write(Files.createDirectories(folder.resolve("sub")).resolve("two.txt"), "two\n".getBytes());
        assertTrue(shell.run(0, "p2p").contains("p2p is not running"));
        String shared = shell.run(0, "p2p share " + folder + " --port 0");
        String link = shared.lines().filter(l -> l.startsWith("netloom://")).findFirst().orElseThrow();
        assertTrue(link.matches("netloom://[0-9a-f]{64}/album\\?peer=127\\.0\\.0\\.1:\\d+"), link);

        ServiceRegistry other = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home.resolve("other")));
        try {
            ScriptShell second = new ScriptShell(other, home.resolve("other/logs"), false);
            String got = second.run(0, "p2p get " + link + " -o " + home.resolve("downloads") + " --timeout 30s");
            assertTrue(got.contains("complete: album, 700004 bytes, every chunk verified"), got);
            assertTrue(got.contains("from 1 peers (direct 1)"), got);
            assertArrayEquals(data, Files.readAllBytes(home.resolve("downloads/album/one.bin")));
            assertArrayEquals("two\n".getBytes(), Files.readAllBytes(home.resolve("downloads/album/sub/two.txt")));
            String status = second.run(0, "p2p status");
            assertTrue(status.matches("(?s).*album\\s+[0-9a-f]{16}\\s+seeding\\s+683\\.6 KiB\\s+683\\.6 KiB\\s+1\\s.*"), status);
            assertTrue(status.contains("(direct) seed down 700004"), status);
            String again = second.run(1, "p2p get " + link + " --port 7");
            assertTrue(again.contains("p2p is running already; for --port restart it: restart p2p port=7"), again);
        } finally {
            other.stopAll();
        }
        assertTrue(shell.run(0, "p2p status").contains("album"));
        assertTrue(shell.run(2, "p2p get netloom://zz").contains("is not 64 hex digits"));
        assertTrue(shell.run(1, "p2p share " + home.resolve("nothing")).contains("no such file or folder"));
    }
}
