package dev.netloom.ftp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The jail of one logged-in user: virtual paths ({@code /}, {@code /docs/a.txt}) as the client
 * sees them, mapped under the user's home directory, and never out of it.
 *
 * <p>Two checks, both needed: the virtual path is normalized on its own ({@code ..} stops at
 * {@code /}, absolute names start at the home), so no name can step out; then the real path is
 * checked with {@code toRealPath}, following symlinks, so a link inside the home that points out
 * of it is refused too. For a name that does not exist yet (STOR, MKD, RNTO) the deepest existing
 * ancestor is checked. A link swapped in between check and use is not guarded against.
 */
final class FtpPaths {

    private final Path home;
    private final Path realHome;

    /** {@code home} must exist. */
    FtpPaths(Path home) throws IOException {
        this.home = home;
        this.realHome = home.toRealPath();
    }

    /** {@code arg} resolved against the virtual directory {@code cwd}: an absolute, normalized virtual path. */
    static String virtual(String cwd, String arg) {
        Deque<String> parts = new ArrayDeque<>();
        String full = arg.startsWith("/") ? arg : cwd + "/" + arg;
        for (String p : full.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(p);
            }
        }
        return "/" + String.join("/", parts);
    }

    /**
     * The real file for virtual path {@code virtual}, or null when it would be outside the home
     * (through a symlink) or is no valid file name.
     */
    Path real(String virtual) {
        Path p;
        try {
            p = home.resolve(virtual.substring(1));
        } catch (InvalidPathException e) {
            return null;
        }
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return null;
        }
        try {
            return existing.toRealPath().startsWith(realHome) ? p : null;
        } catch (IOException e) {
            return null; // a dangling link: where it points cannot be checked
        }
    }

    /** The home directory, which is the virtual {@code /}. */
    Path home() {
        return home;
    }
}
