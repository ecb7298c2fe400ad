package dev.netloom.core;

import com.sun.jna.Native;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The libc calls netloom makes beside the JDK's, through JNA's direct mapping. Each group is bound
 * on its first use, in a holder class of its own, so that a call one platform lacks leaves the
 * others usable and nothing loads JNA before it is needed.
 */
public final class Libc {

    private Libc() {
    }

    /**
     * Ends the process at once with {@code code} (libc's {@code _exit}): no shutdown hooks, no
     * wait for threads in native code (see {@code ProcessExit}).
     *
     * @throws LinkageError when libc cannot be bound
     */
    public static void exitNow(int code) {
        Exit._exit(code);
    }

    /** Whether {@link #dropCleanPages} can do anything here: Linux, a 64-bit JVM ({@code off_t} is 64 bits), libc bound. */
    public static boolean canDropPages() {
        return PageCache.BOUND;
    }

    /**
     * Drops {@code file}'s clean pages from the kernel's page cache ({@code posix_fadvise} with
     * {@code POSIX_FADV_DONTNEED} over the whole file). Only clean pages go: what is not yet
     * written back stays, so nothing written is lost, and a later read comes from the disk.
     *
     * @return false when it could not (not available here, or the file not opened)
     */
    public static boolean dropCleanPages(Path file) {
        if (!PageCache.BOUND) {
            return false;
        }
        int fd = PageCache.open(file.toString(), PageCache.O_RDONLY);
        if (fd < 0) {
            return false;
        }
        try {
            return PageCache.posix_fadvise(fd, 0, 0, PageCache.POSIX_FADV_DONTNEED) == 0; // offset 0, length 0: all
        } finally {
            PageCache.close(fd);
        }
    }

    /** {@code _exit}, bound on first use. */
    private static final class Exit {

        static {
            Native.register(Exit.class, "c");
        }

        private Exit() {
        }

        private static native void _exit(int status);
    }

    /** {@code open}, {@code posix_fadvise} and {@code close}, bound on first use where they apply. */
    private static final class PageCache {

        static final int O_RDONLY = 0;
        static final int POSIX_FADV_DONTNEED = 4; // Linux's value
        static final boolean BOUND = bind();

        private PageCache() {
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
}
