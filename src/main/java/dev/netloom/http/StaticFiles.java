package dev.netloom.http;

import dev.netloom.http1.ContentTypes;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maps request paths onto the root directory, safely, and caches what it finds: metadata for
 * every path served, and the content of small files within a byte budget. A cached entry is
 * trusted for {@code cache-check}, then the file is asked again (so an edited file is seen within
 * that time); its content is reloaded when the size or modification time changed.
 *
 * <p>Safety: names starting with a dot are not found unless allowed; the real path (symlinks
 * resolved) must stay inside the real root, else the path is forbidden.
 */
final class StaticFiles {

    /** The result of a lookup. */
    sealed interface Lookup permits Found, NotFound, Forbidden {
    }

    record Found(FileEntry entry) implements Lookup {
    }

    record NotFound() implements Lookup {
    }

    record Forbidden() implements Lookup {
    }

    /** Paths remembered at most; past this, lookups still work but are not cached. */
    private static final int MAX_ENTRIES = 10_000;

    private final Path root;
    private final boolean dotfiles;
    private final long budget;
    private final int maxFile;
    private final long checkNanos;
    private final Map<String, FileEntry> cache = new ConcurrentHashMap<>();
    private final AtomicLong cachedBytes = new AtomicLong();

    StaticFiles(HttpConfig config) throws IOException {
        this.root = config.root().toRealPath();
        this.dotfiles = config.dotfiles();
        this.budget = config.cacheBudget();
        this.maxFile = config.cacheMaxFile();
        this.checkNanos = config.cacheCheck().toNanos();
        if (!Files.isDirectory(root)) {
            throw new NotDirectoryException(config.root().toString()); // "root X: not a directory (http.root)"
        }
    }

    Path root() {
        return root;
    }

    long cachedBytes() {
        return cachedBytes.get();
    }

    int cachedEntries() {
        return cache.size();
    }

    Lookup lookup(UrlPath url) throws IOException {
        long now = System.nanoTime();
        FileEntry e = cache.get(url.path());
        if (e != null && now - e.checkedAt() < checkNanos) {
            return new Found(e);
        }
        if (!dotfiles) {
            for (String seg : url.segments()) {
                if (seg.startsWith(".")) {
                    return new NotFound();
                }
            }
        }
        Lookup fresh = load(url, e, now);
        if (fresh instanceof Found f) {
            if (e == null || f.entry() != e) {
                remember(url.path(), e, f.entry());
            }
        } else if (e != null && cache.remove(url.path(), e)) {
            cachedBytes.addAndGet(-e.cachedBytes());
        }
        return fresh;
    }

    private void remember(String key, FileEntry old, FileEntry entry) {
        if (old == null && cache.size() >= MAX_ENTRIES) {
            return;
        }
        FileEntry previous = cache.put(key, entry);
        long delta = entry.cachedBytes() - (previous == null ? 0 : previous.cachedBytes());
        cachedBytes.addAndGet(delta);
    }

    private Lookup load(UrlPath url, FileEntry old, long now) throws IOException {
        Path candidate = root.resolve(url.path().substring(1));
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (AccessDeniedException e) {
            return new Forbidden();
        } catch (IOException e) { // no such file, a name too long, a symlink loop
            return new NotFound();
        }
        if (!real.startsWith(root)) {
            return new Forbidden(); // a symlink out of the root
        }
        BasicFileAttributes attrs = Files.readAttributes(real, BasicFileAttributes.class);
        long modified = attrs.lastModifiedTime().toMillis();
        if (attrs.isDirectory()) {
            return new Found(FileEntry.directory(real, modified, now));
        }
        if (!attrs.isRegularFile()) {
            return new NotFound();
        }
        if (!Files.isReadable(real)) { // not ours to read (serve --user: a file only root may read): 403, before any header
            return new Forbidden();
        }
        if (old != null && !old.directory() && old.real().equals(real) && old.size() == attrs.size()
                && old.modified() == modified && sameGzip(old, real)) {
            return new Found(old.checked(now));
        }
        String type = ContentTypes.of(real.getFileName().toString());
        FileEntry gzip = null;
        Path gz = real.resolveSibling(real.getFileName() + ".gz");
        if (Files.isRegularFile(gz, LinkOption.NOFOLLOW_LINKS)) {
            BasicFileAttributes ga = Files.readAttributes(gz, BasicFileAttributes.class);
            gzip = FileEntry.file(gz, ga.size(), ga.lastModifiedTime().toMillis(), type, content(gz, ga.size()), null, true, now);
        }
        return new Found(FileEntry.file(real, attrs.size(), modified, type, content(real, attrs.size()), gzip, false, now));
    }

    private boolean sameGzip(FileEntry old, Path real) throws IOException {
        Path gz = real.resolveSibling(real.getFileName() + ".gz");
        boolean exists = Files.isRegularFile(gz, LinkOption.NOFOLLOW_LINKS);
        if (old.gzip() == null || !exists) {
            return old.gzip() == null && !exists;
        }
        BasicFileAttributes ga = Files.readAttributes(gz, BasicFileAttributes.class);
        return ga.size() == old.gzip().size() && ga.lastModifiedTime().toMillis() == old.gzip().modified();
    }

    /** The file's bytes if it is small enough and the budget allows, else null (sent from disk). */
    private byte[] content(Path file, long size) {
        if (size > maxFile || cachedBytes.get() + size > budget) {
            return null;
        }
        try {
            byte[] data = Files.readAllBytes(file);
            return data.length == size ? data : null; // changed while reading: serve it from disk
        } catch (IOException e) {
            return null;
        }
    }
}
