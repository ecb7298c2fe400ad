package dev.netloom.rest;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * {@code rest.watch=true}: looks at the seed file every {@link #PERIOD} and, once a change has
 * settled (the same size, time and file seen twice in a row, so a file still being written is
 * not read half-way), hands its bytes to the loader, which replaces the data with them. When the
 * file does not load (malformed JSON, a value the API refuses, a file gone), the data stays as
 * it was, the log says why (WARNING) and so does {@link #status()}; the next change tries again.
 * Polling rather than inotify: editors save by writing in place or by renaming a new file over
 * the old one, and both change what is polled.
 */
final class SeedWatch implements AutoCloseable {

    /** Loads the file's bytes in place of the data, or throws saying why it cannot. */
    interface Loader {
        int load(byte[] bytes) throws Exception;
    }

    private record Stamp(long modified, long size, Object key) {
        static final Stamp MISSING = new Stamp(-1, -1, null);
    }

    static final Duration PERIOD = Duration.ofMillis(200);
    private static final System.Logger LOG = System.getLogger(SeedWatch.class.getName());

    private final String service;
    private final Path file;
    private final Loader loader;
    private final Thread thread;
    private volatile boolean closed;
    private volatile String status = "watching, nothing changed yet";

    private SeedWatch(String service, Path file, Loader loader) {
        this.service = service;
        this.file = file;
        this.loader = loader;
        this.thread = Thread.ofVirtual().name(service + "-watch").unstarted(this::loop);
    }

    /** Starts watching {@code file}, whose content now is taken as loaded. */
    static SeedWatch start(String service, Path file, Loader loader) {
        SeedWatch w = new SeedWatch(service, file, loader);
        w.thread.start();
        return w;
    }

    /** What the last change did: for {@code status rest}. */
    String status() {
        return status;
    }

    private Stamp stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.size(), a.fileKey());
        } catch (IOException e) {
            return Stamp.MISSING;
        }
    }

    private void loop() {
        Stamp loaded = stamp();
        byte[] loadedBytes = read();
        Stamp pending = null;
        while (!closed) {
            try {
                Thread.sleep(PERIOD);
            } catch (InterruptedException e) {
                return;
            }
            Stamp now = stamp();
            if (now.equals(loaded)) {
                pending = null;
                continue;
            }
            if (!now.equals(pending)) {
                pending = now; // changed: read it once it has stayed the same for a period
                continue;
            }
            loaded = now;
            pending = null;
            if (now.equals(Stamp.MISSING)) {
                failed("the file is gone");
                continue;
            }
            byte[] bytes = read();
            if (bytes == null) {
                failed("the file cannot be read");
                continue;
            }
            if (Arrays.equals(bytes, loadedBytes)) {
                continue;
            }
            try {
                int n = loader.load(bytes);
                loadedBytes = bytes;
                status = "reloaded " + n + " items at " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS);
                LOG.log(Level.INFO, service + ": " + file + " changed: reloaded " + n + " items");
            } catch (Exception e) {
                failed(Objects.requireNonNullElse(e.getMessage(), e.toString()));
            }
        }
    }

    private byte[] read() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }

    private void failed(String why) {
        status = "not reloaded at " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + ", serving the data as it was: "
                + why;
        LOG.log(Level.WARNING, service + ": " + file + " changed but was not reloaded; serving the data as it was: " + why);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
