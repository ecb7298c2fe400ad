package dev.netloom.http;

import dev.netloom.core.Connection;
import dev.netloom.core.LatencyHistogram;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.StatusClasses;
import dev.netloom.core.StopResult;
import dev.netloom.core.TcpServer;
import dev.netloom.http1.AccessLog;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code http} service: static files from {@code http.root} over HTTP/1.1. Each connection
 * is served by an {@link HttpConnection}; over the connection limit a client gets 503.
 */
public final class HttpService extends TcpServer {

    private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\nServer: netloom\r\nRetry-After: 1\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 24\r\nConnection: close\r\n\r\n"
            + "503 Service Unavailable\n").getBytes(StandardCharsets.US_ASCII);

    private final HttpConfig http;
    private final StatusClasses byClass = new StatusClasses();
    private final LatencyHistogram latency = counters().latency();
    private volatile StaticFiles files;
    private volatile AccessLog accessLog = AccessLog.OFF;

    public static ServiceType type() {
        return new ServiceType("http", "HTTP/1.1 static file server", ServiceType.Transport.TCP,
                HttpConfig.DEFAULT_PORT, HttpConfig.keys(), HttpService::new);
    }

    public HttpService(Settings settings) {
        super(settings);
        this.http = HttpConfig.from(settings);
    }

    @Override
    protected InetSocketAddress open() throws IOException {
        files = new StaticFiles(http);
        accessLog = AccessLog.of(http.accessLog());
        try {
            return super.open();
        } catch (IOException e) {
            accessLog.close();
            throw e;
        }
    }

    @Override
    protected void serve(Connection c) throws IOException {
        new HttpConnection(this, c).run();
    }

    @Override
    protected void refuse(OutputStream out) throws IOException {
        out.write(BUSY);
    }

    @Override
    protected StopResult shutdown(Duration grace) {
        StopResult r = super.shutdown(grace);
        accessLog.close();
        return r;
    }

    HttpConfig http() {
        return http;
    }

    StaticFiles files() {
        return files;
    }

    AccessLog accessLog() {
        return accessLog;
    }

    /** Request latencies, from the request parsed to the response written. */
    LatencyHistogram latency() {
        return latency;
    }

    void counted(int status) {
        byClass.countResponse(status, counters());
    }

    @Override
    public Map<String, Long> requestsByResult() {
        return byClass.counts();
    }

    @Override
    public void flushLogs() {
        accessLog.flush();
    }

    @Override
    public List<String> details() {
        StaticFiles f = files;
        return List.of(byClass.describe(1),
                "root " + http.root() + "; cache " + (f == null ? 0 : f.cachedEntries()) + " paths, "
                        + (f == null ? 0 : f.cachedBytes()) + " bytes in memory; access log "
                        + http.accessLog().map(Object::toString).orElse("off"));
    }
}
