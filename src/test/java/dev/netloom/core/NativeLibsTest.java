package dev.netloom.core;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The search path set before JNA's first library: the directories that exist, the multiarch one
 * first; libc's soname is in one of them here; a path someone set is left alone. JNA's dispatch
 * library is found where the build unpacks it, under this JNA's version and this platform, and
 * only there. (That no ldconfig runs, and that JNA unpacks nothing, is checked on a real
 * `p2p get` by tests/netcat/p2p-aot.sh.)
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

    @Test
    void theDispatchLibraryIsFoundUnderThisJnasVersionAndPlatformOnly(@TempDir Path base) throws Exception {
        assertEquals(Optional.empty(), NativeLibs.dispatchDirectory(base), "nothing unpacked");
        assertEquals(Optional.empty(), NativeLibs.dispatchDirectory(null));
        String lib = System.mapLibraryName("jnidispatch");
        Path other = Files.createDirectories(base.resolve("native/jna-0.0.1/com/sun/jna")
                .resolve(Platform.RESOURCE_PREFIX));
        Files.write(other.resolve(lib), new byte[] {1});
        assertEquals(Optional.empty(), NativeLibs.dispatchDirectory(base), "another JNA's library is not this one's");
        Path mine = Files.createDirectories(base.resolve("native/jna-" + Native.VERSION + "/com/sun/jna")
                .resolve(Platform.RESOURCE_PREFIX));
        assertEquals(Optional.empty(), NativeLibs.dispatchDirectory(base), "the directory without the library");
        Files.write(mine.resolve(lib), new byte[] {1});
        assertEquals(Optional.of(mine), NativeLibs.dispatchDirectory(base));
    }
}
