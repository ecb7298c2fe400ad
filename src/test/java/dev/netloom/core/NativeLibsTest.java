package dev.netloom.core;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The search path set before JNA's first library: the directories that exist, the multiarch one
 * first; libc's soname is in one of them here; a path someone set is left alone. (That no
 * ldconfig runs is checked on a real `p2p get` by tests/netcat/p2p-aot.sh.)
 */
class NativeLibsTest {

    @Test
    void theDirectoriesExistAndTheMultiarchOneComesFirst() {
        List<String> dirs = NativeLibs.directories("amd64");
        dirs.forEach(d -> assertTrue(Files.isDirectory(Path.of(d)), d));
        if (Files.isDirectory(Path.of("/usr/lib/x86_64-linux-gnu"))) {
            assertEquals("/usr/lib/x86_64-linux-gnu", dirs.getFirst());
        }
        assertTrue(NativeLibs.directories("aarch64").stream().noneMatch(d -> d.contains("x86_64")));
    }

    @Test
    void libcIsInThemWhereThisMachineHasIt() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64"),
                "a Linux amd64 machine");
        List<String> dirs = NativeLibs.directories("amd64");
        assertTrue(dirs.stream().anyMatch(d -> Files.exists(Path.of(d, "libc.so.6"))), "libc.so.6 in " + dirs);
    }

    @Test
    void aPathAlreadySetIsKept() {
        String had = System.getProperty(NativeLibs.PROPERTY);
        try {
            System.setProperty(NativeLibs.PROPERTY, "/nowhere");
            NativeLibs.presetSearchPath();
            assertEquals("/nowhere", System.getProperty(NativeLibs.PROPERTY));
        } finally {
            if (had == null) {
                System.clearProperty(NativeLibs.PROPERTY);
            } else {
                System.setProperty(NativeLibs.PROPERTY, had);
            }
        }
    }
}
