package dev.netloom.core;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sets up logging once per process: {@code System.Logger} goes to java.util.logging, which
 * writes {@code logs/netloom.0.log} (rotated at 10 MiB, 5 files kept) and, in headless mode,
 * stderr. One line per record:
 * {@code 2026-11-22T01:25:09.123 INFO  [echo-accept] echo: listening on 127.0.0.1:7007 (tcp)}.
 * Messages start with the service name, which is how {@code logs SVC} finds them.
 *
 * <p>Level: {@code NETLOOM_LOG} env or {@code -Dnetloom.log} (error, warn, info, debug); INFO by default.
 *
 * <p>{@link #follow} hands each line to a listener as it is written (the admin listener's live
 * tail): the file handler itself passes the line on, under the same lock as its write, so a
 * follower's replay of the file's last lines and the lines that come after it neither overlap
 * nor leave a gap. Without a file (a test that never called {@link #setup}, logs that cannot be
 * written) a handler of its own on the root logger passes the lines on, with nothing to replay.
 */
public final class Logging {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private static final List<Logger> QUIETED = new CopyOnWriteArrayList<>();
    private static final Followers FOLLOWERS = new Followers();
    private static volatile Path currentFile;

    private Logging() {
    }

    /** Configures the root logger; {@code console} adds a stderr handler. Returns the log file. */
    public static Path setup(Path logsDir, boolean console) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level level = level();
        root.setLevel(level);
        Formatter formatter = new LineFormatter();
        try {
            PrivateFiles.createDirectories(logsDir);
            FileHandler fh = new PrivateFileHandler(logsDir);
            fh.setFormatter(formatter);
            fh.setLevel(level);
            root.addHandler(fh);
            FOLLOWERS.setFormatter(formatter);
            currentFile = ownFile(logsDir);
        } catch (IOException | RuntimeException e) {
            System.err.println("netloom: cannot write logs under " + logsDir + ": " + e.getMessage());
        }
        if (console) {
            Handler ch = new ConsoleHandler();
            ch.setFormatter(formatter);
            ch.setLevel(level);
            root.addHandler(ch);
        }
        // the JDK's own chatter (sun.net, jdk.internal) stays at INFO even when we debug
        // (and at DEBUG the JDK logs every System.exit with a stack trace: java.lang.Runtime, JDK 17+)
        for (String name : List.of("sun", "jdk", "java.lang.Runtime")) {
            Logger l = Logger.getLogger(name);
            l.setLevel(Level.INFO);
            QUIETED.add(l); // the LogManager holds loggers weakly: a collected one would forget its level
        }
        return current(logsDir);
    }

    /**
     * Calls {@code sink} with the last {@code replay} lines of this process's log file under
     * {@code logsDir} (none when there is no file), then with each line logged from now on (a
     * record with a stack trace is several lines), until the returned handle is closed. {@code sink}
     * runs on the logging thread under the log's lock: it must only hand the line on (queue it), never block.
     */
    public static Closeable follow(Path logsDir, int replay, Consumer<String> sink) throws IOException {
        Logger root = Logger.getLogger("");
        FOLLOWERS.lock.lock();
        try {
            boolean fileFeeds = Arrays.stream(root.getHandlers()).anyMatch(h -> h instanceof PrivateFileHandler);
            if (!fileFeeds && Arrays.stream(root.getHandlers()).noneMatch(h -> h == FOLLOWERS)) {
                root.addHandler(FOLLOWERS);
            }
            if (fileFeeds && replay > 0) {
                lastLines(current(logsDir), replay).forEach(sink);
            }
            FOLLOWERS.sinks.add(sink);
        } finally {
            FOLLOWERS.lock.unlock();
        }
        return () -> FOLLOWERS.sinks.remove(sink);
    }

    /**
     * The last {@code n} lines of {@code file} (UTF-8), read backwards from its end so a large
     * log costs only what is returned; empty when the file does not exist.
     */
    public static List<String> lastLines(Path file, int n) throws IOException {
        if (n <= 0 || !Files.isRegularFile(file)) {
            return List.of();
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long end = f.length();
            long start = startOfLast(f, end, n);
            byte[] tail = new byte[(int) (end - start)];
            f.seek(start);
            f.readFully(tail);
            List<String> lines = new String(tail, StandardCharsets.UTF_8).lines().toList();
            return lines.size() > n ? lines.subList(lines.size() - n, lines.size()) : lines;
        }
    }

    /** Where the last {@code n} lines of a file of {@code end} bytes start (its last line may lack its \n). */
    private static long startOfLast(RandomAccessFile f, long end, int n) throws IOException {
        byte[] block = new byte[8192];
        int newlines = 0;
        long start = end;
        while (start > 0) {
            int len = (int) Math.min(block.length, start);
            long from = start - len;
            f.seek(from);
            f.readFully(block, 0, len);
            for (int i = len - 1; i >= 0; i--) {
                if (block[i] == '\n' && from + i != end - 1 && ++newlines == n) {
                    return from + i + 1;
                }
            }
            start = from;
        }
        return 0;
    }

    /**
     * The file this process writes now: {@code netloom.0.log}, older ones {@code netloom.1.log} …
     * {@code netloom.4.log}. When another netloom process already writes there (a shell beside a
     * headless {@code serve}), java.util.logging picks {@code netloom.0.log.1}, and so on.
     */
    public static Path current(Path logsDir) {
        Path own = currentFile;
        return own != null && own.startsWith(logsDir) ? own : logsDir.resolve("netloom.0.log");
    }

    /**
     * Finds which of the candidate files this JVM holds the lock of: locking a file this JVM
     * already locked fails with OverlappingFileLockException, whatever other processes hold.
     */
    private static Path ownFile(Path logsDir) {
        for (int u = 0; u < 100; u++) {
            Path log = logsDir.resolve("netloom.0.log" + (u == 0 ? "" : "." + u));
            Path lock = log.resolveSibling(log.getFileName() + ".lck");
            if (!Files.exists(lock)) {
                continue;
            }
            try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
                FileLock l = ch.tryLock();
                if (l != null) {
                    l.release();
                }
            } catch (OverlappingFileLockException e) {
                return log;
            } catch (IOException e) {
                // not ours or not lockable: look further
            }
        }
        return null;
    }

    private static Level level() {
        String v = System.getProperty("netloom.log", System.getenv().getOrDefault("NETLOOM_LOG", "info"));
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "error" -> Level.SEVERE;
            case "warn", "warning" -> Level.WARNING;
            case "debug" -> Level.FINE;
            case "trace" -> Level.FINEST;
            default -> Level.INFO;
        };
    }

    /**
     * A FileHandler whose files are 0600: it opens a new file at start and at each rotation, both
     * through {@code setOutputStream}, where the files it just made (log and lock) are secured.
     */
    private static final class PrivateFileHandler extends FileHandler {
        private final Path dir;

        PrivateFileHandler(Path dir) throws IOException {
            super(dir.resolve("netloom.%g.log").toString(), 10 * 1024 * 1024, 5, true);
            this.dir = dir;
            secureLogs(dir);
        }

        @Override
        public void publish(LogRecord r) {
            FOLLOWERS.lock.lock();
            try {
                super.publish(r);
                if (isLoggable(r)) {
                    FOLLOWERS.publish(r);
                }
            } finally {
                FOLLOWERS.lock.unlock();
            }
        }

        @Override
        protected synchronized void setOutputStream(OutputStream out) {
            super.setOutputStream(out);
            if (dir != null) { // null while the super constructor opens the first file
                secureLogs(dir);
            }
        }

        private static void secureLogs(Path dir) {
            try (var files = Files.newDirectoryStream(dir, "netloom.*")) {
                for (Path f : files) {
                    PrivateFiles.secure(f);
                }
            } catch (IOException e) {
                // a mode that cannot be set is no reason to lose the log
            }
        }
    }

    /** The followers' lines: fed by the file handler, or as a handler of its own when there is no file. */
    private static final class Followers extends Handler {
        private final ReentrantLock lock = new ReentrantLock();
        private final List<Consumer<String>> sinks = new CopyOnWriteArrayList<>();

        Followers() {
            setFormatter(new LineFormatter());
        }

        @Override
        public void publish(LogRecord r) {
            if (sinks.isEmpty() || !isLoggable(r)) {
                return;
            }
            lock.lock();
            try {
                getFormatter().format(r).lines().forEach(line -> sinks.forEach(s -> s.accept(line)));
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(128);
            sb.append(TIME.format(Instant.ofEpochMilli(r.getMillis()))).append(' ');
            sb.append(String.format("%-5s", name(r.getLevel()))).append(" [").append(Thread.currentThread().getName())
                    .append("] ").append(formatMessage(r)).append(System.lineSeparator());
            if (r.getThrown() != null) {
                StringWriter sw = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(sw));
                sb.append(sw);
            }
            return sb.toString();
        }

        private static String name(Level l) {
            if (l.intValue() >= Level.SEVERE.intValue()) {
                return "ERROR";
            } else if (l.intValue() >= Level.WARNING.intValue()) {
                return "WARN";
            } else if (l.intValue() >= Level.INFO.intValue()) {
                return "INFO";
            }
            return "DEBUG";
        }
    }
}
