package dev.netloom.core;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Files only their owner may read: what the stores keep (rest.db, the mail store, the kv AOF and
 * its rewrite files), the logs and the TLS keys. Files are made {@code 0600} and the directories
 * this class creates {@code 0700}, whatever the process umask (Java cannot set the umask, so the
 * mode is given at creation, where the umask can only take bits away, and then set again).
 * Directories that already exist are left as they are: a user may point a store into a shared
 * directory ({@code /tmp}) that is not ours to close. On a file system without POSIX permissions
 * (Windows) every method only creates.
 *
 * <p>SQLite gives its {@code -wal}, {@code -shm} and {@code -journal} files the mode of the
 * database file, so a database made with {@link #createFile} before SQLite opens it keeps all of
 * them {@code 0600}.
 */
public final class PrivateFiles {

    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {
    }

    /**
     * Creates {@code dir} and its missing parents, each one created {@code 0700}; existing ones are
     * not changed. Returns {@code dir}.
     *
     * @throws IOException as {@link Files#createDirectories}
     */
    public static Path createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return dir;
        }
        Path parent = abs.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            if (posix(parent)) {
                Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(DIRECTORY));
                Files.setPosixFilePermissions(abs, DIRECTORY);
            } else {
                Files.createDirectory(abs);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(abs)) {
                throw e;
            }
        }
        return dir;
    }

    /**
     * Makes {@code file} {@code 0600}: creates it empty when it is missing (with its parents, as
     * {@link #createDirectories}), else only sets its mode. Returns {@code file}.
     */
    public static Path createFile(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createFile(file, attributes(parent));
            } catch (FileAlreadyExistsException e) {
                // made meanwhile by someone else: secured below like any existing file
            }
        }
        return secure(file);
    }

    /** Sets an existing file's mode to {@code 0600} (a directory's to {@code 0700}); a missing one is skipped. */
    public static Path secure(Path path) throws IOException {
        if (Files.exists(path) && posix(path)) {
            Files.setPosixFilePermissions(path, Files.isDirectory(path) ? DIRECTORY : FILE);
        }
        return path;
    }

    /** Writes {@code bytes} to {@code file} (replacing it) through a {@code 0600} temporary file and a rename. */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path tmp = createFile(file.resolveSibling(file.getFileName() + ".tmp"));
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * What under {@code root} (itself included, at most {@code maxDepth} levels down, symbolic links
     * not followed, at most 10,000 entries looked at) anyone may write: its mode has the others'
     * write bit, and it is no directory with the sticky bit ({@code /tmp}'s mode). Empty on a file
     * system without POSIX permissions.
     *
     * @throws IOException when {@code root} cannot be walked
     */
    public static List<Path> writableByOthers(Path root, int maxDepth) throws IOException {
        if (!posix(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root, maxDepth)) {
            return walk.limit(10_000).filter(PrivateFiles::othersMayWrite).toList();
        }
    }

    private static boolean othersMayWrite(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            boolean link = (mode & 0170000) == 0120000;
            boolean stickyDir = (mode & 0170000) == 0040000 && (mode & 01000) != 0;
            return !link && !stickyDir && (mode & 0002) != 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false; // gone meanwhile, or no unix view: nothing to say of it
        }
    }

    private static FileAttribute<?>[] attributes(Path dir) {
        return posix(dir) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    private static boolean posix(Path near) {
        Path p = near == null ? Path.of("") : near;
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
