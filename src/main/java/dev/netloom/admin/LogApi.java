package dev.netloom.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.core.ConfigException;
import dev.netloom.core.Logging;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The log calls of the admin API: {@code GET /api/logs?lines=N}, the file's last lines as JSON,
 * and {@code GET /api/logs/stream?lines=N}, the live tail as server-sent events (one {@code log}
 * event per line, from {@link Logging#follow}).
 */
final class LogApi {

    private static final int DEFAULT_LINES = 100;

    private final Path logsDir;
    private final int maxLines;
    private final ObjectMapper json;

    /** {@code maxLines}: {@code admin.log-lines}. */
    LogApi(Path logsDir, int maxLines, ObjectMapper json) {
        this.logsDir = logsDir;
        this.maxLines = maxLines;
        this.json = json;
    }

    /** {@code {"file": ..., "lines": [...]}}: the last {@code lines} lines (100) of this process's log. */
    ObjectNode lines(String query) throws IOException {
        int n = lines(query, DEFAULT_LINES, 1);
        Path file = Logging.current(logsDir);
        ObjectNode out = json.createObjectNode();
        out.put("file", file.toString());
        ArrayNode arr = out.putArray("lines");
        Logging.lastLines(file, n).forEach(arr::add);
        return out;
    }

    /** {@code text/event-stream}: the last {@code lines} lines of the log (none by default), then each line as it is logged. */
    Reply stream(String query) {
        int n = lines(query, 0, 0);
        return Reply.events(to -> Logging.follow(logsDir, n, line -> to.send("log", line)));
    }

    /**
     * The {@code lines} parameter of {@code query}: {@code dflt} when absent; {@code min} to
     * {@code admin.log-lines} (and to what an event stream queues), else a ConfigException (400).
     */
    private int lines(String query, int dflt, int min) {
        int max = Math.min(maxLines, EventStream.MAX_QUEUED);
        String v = AdminApi.params(query).get("lines");
        if (v == null) {
            return dflt;
        }
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < min || n > max) {
            throw new ConfigException("lines must be " + min + "-" + max + ", not '" + v + "'");
        }
        return n;
    }
}
