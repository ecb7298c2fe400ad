package dev.netloom.core;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * PrivateFiles: new directories 0700, files 0600, whatever mode a file had before (the umask of
 * the process cannot be changed from Java: a file first made 0666, as a permissive umask would,
 * stands in for it); existing directories are left alone.
 */
class PrivateFilesTest {

    @TempDir
    Path dir;

    @BeforeEach
    void posix() throws Exception {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "POSIX modes only");
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void newDirectoriesAre0700AndExistingOnesAreLeftAlone() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        PrivateFiles.createDirectories(dir.resolve("a/b/c"));
        assertEquals("rwx------", mode(dir.resolve("a")));
        assertEquals("rwx------", mode(dir.resolve("a/b/c")));
        assertEquals("rwxr-xr-x", mode(dir), "not ours to close");
    }

    @Test
    void filesAre0600NewOrExisting() throws Exception {
        Path created = PrivateFiles.createFile(dir.resolve("x/new.db"));
        assertEquals("rw-------", mode(created));
        assertEquals("rwx------", mode(dir.resolve("x")));
        Path open = Files.writeString(dir.resolve("open.db"), "kept");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-rw-rw-"));
        PrivateFiles.createFile(open);
        assertEquals("rw-------", mode(open));
        assertEquals("kept", Files.readString(open), "an existing file keeps its content");
    }

    @Test
    void writeReplacesThroughAPrivateFile() throws Exception {
        Path f = Files.writeString(dir.resolve("secret"), "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        PrivateFiles.write(f, "new".getBytes(StandardCharsets.UTF_8));
        assertEquals("new", Files.readString(f));
        assertEquals("rw-------", mode(f));
        assertTrue(Files.notExists(dir.resolve("secret.tmp")));
    }
}
