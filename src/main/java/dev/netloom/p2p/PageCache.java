package dev.netloom.p2p;

import com.sun.jna.Native;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Drops a file's clean pages from the kernel's page cache ({@code posix_fadvise(POSIX_FADV_DONTNEED)},
 * libc through JNA's direct mapping), so that a download streaming a large file to disk reuses a
 * few MiB of cache instead of filling memory with the whole file. Only clean pages go: what is
 * still dirty (not yet written back) stays, so nothing written is lost, and a later read comes
 * from the disk. Linux on a 64-bit JVM only ({@code off_t} is 64 bits there); elsewhere, or
 * without libc, {@link #drop} does nothing.
 *
 * <p>On this machine (a VM whose freed memory goes back to the host) a GiB written into fresh page
 * cache cost about a second of system time in page faults; with the forced stretches dropped,
 * the download's pages are reused while still mapped (bench/README.md, p2p).
 */
final class PageCache {

    private static final int O_RDONLY = 0;
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final boolean AVAILABLE = bind();

    private PageCache() {
    }

    /** Whether {@link #drop} can do anything here. */
    static boolean available() {
        return AVAILABLE;
    }

    /** Drops {@code file}'s clean cached pages; false when it could not (not available, or the file not opened). */
    static boolean drop(Path file) {
        if (!AVAILABLE) {
            return false;
        }
        int fd = open(file.toString(), O_RDONLY);
        if (fd < 0) {
            return false;
        }
        try {
            return posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0; // offset 0, length 0: the whole file
        } finally {
            close(fd);
        }
    }

    private static boolean bind() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                || !"64".equals(System.getProperty("sun.arch.data.model"))) {
            return false;
        }
        try {
            Native.register(PageCache.class, "c");
            return true;
        } catch (LinkageError e) {
            return false;
        }
    }

    private static native int open(String path, int flags);

    private static native int posix_fadvise(int fd, long offset, long length, int advice);

    private static native int close(int fd);
}
