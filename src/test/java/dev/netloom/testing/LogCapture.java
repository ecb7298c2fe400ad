package dev.netloom.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The records one class's System.Logger logs (java.util.logging underneath) while open: what a
 * user would read in the log, for a test to check that a warning was given, or was not.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
        logger.addHandler(this);
    }

    /** Captures what {@code type}'s logger (named after the class, as the code's loggers are) logs. */
    public static LogCapture of(Class<?> type) {
        return new LogCapture(Logger.getLogger(type.getName()));
    }

    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** Whether a record at {@code level} has a message containing {@code text}. */
    public boolean logged(Level level, String text) {
        return records.stream().anyMatch(r -> r.getLevel() == level && r.getMessage().contains(text));
    }

    @Override
    public void publish(LogRecord r) {
        records.add(r);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
