package dev.netloom.echo;

import dev.netloom.core.Connection;
import dev.netloom.core.Key;
import dev.netloom.core.LineReader;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.TcpConfig;
import dev.netloom.core.TcpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Line-based upper-casing over TCP: each line (LF or CRLF) comes back upper-cased
 * ({@code Locale.ROOT}, UTF-8, invalid bytes become U+FFFD) with the terminator it came with.
 * A line over {@code upper.max-line} bytes is answered {@code ERR line too long (max N bytes)}
 * and the connection goes on with the next line. Over the connection limit a client is told
 * {@code ERR server busy: too many connections (max N)} and closed.
 */
public final class UpperService extends TcpServer {

    public static final int DEFAULT_PORT = 7008;
    public static final Key<Integer> MAX_LINE = Key.size("max-line", 8192, 1, 1024 * 1024,
            "longest line accepted, in bytes (terminator excluded)");

    private final int maxLine;

    public static ServiceType type() {
        List<Key<?>> keys = new ArrayList<>(TcpConfig.keys(DEFAULT_PORT));
        keys.add(MAX_LINE);
        return new ServiceType("upper", "TCP line service: each line back upper-cased", ServiceType.Transport.TCP,
                DEFAULT_PORT, keys, UpperService::new);
    }

    public UpperService(Settings settings) {
        super(settings);
        this.maxLine = settings.get(MAX_LINE);
    }

    @Override
    protected void serve(Connection c) throws IOException {
        LineReader lines = new LineReader(c.in(), maxLine);
        OutputStream out = c.out();
        while (lines.await() && c.busy("line")) {
            LineReader.Line line = lines.read();
            if (line == null) {
                return;
            }
            if (line.tooLong()) {
                c.stats().error();
                out.write(("ERR line too long (max " + maxLine + " bytes)\n").getBytes(StandardCharsets.US_ASCII));
            } else {
                c.stats().request();
                out.write((line.text().toUpperCase(Locale.ROOT) + line.terminator()).getBytes(StandardCharsets.UTF_8));
            }
            if (!c.idle()) {
                return;
            }
        }
    }

    @Override
    protected void refuse(OutputStream out) throws IOException {
        out.write(("ERR server busy: too many connections (max " + config.maxConnections() + ")\n")
                .getBytes(StandardCharsets.US_ASCII));
    }
}
