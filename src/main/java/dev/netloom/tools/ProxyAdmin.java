package dev.netloom.tools;

import dev.netloom.core.DataReader;
import dev.netloom.core.HostPort;
import dev.netloom.core.ReadTimeout;
import dev.netloom.http1.BodyInputStream;
import dev.netloom.http1.HeadReader;
import dev.netloom.http1.HttpException;
import dev.netloom.http1.HttpUrl;
import dev.netloom.http1.MessageHead;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks a running {@code proxy} about its cache over HTTP, as a client on its port: {@code GET
 * /netloom/cache} (the report) and {@code PURGE URL}. The shell's {@code proxy cache} and
 * {@code proxy purge}; any HTTP client can send the same requests.
 */
public final class ProxyAdmin {

    private static final int MAX_BODY = 1024 * 1024;

    /**
     * The status and text body of the answer.
     *
     * @param status the status code
     * @param text   the body as UTF-8
     */
    public record Answer(int status, String text) {
    }

    private ProxyAdmin() {
    }

    /** The cache report of the proxy at {@code proxy}. */
    public static Answer report(InetSocketAddress proxy, Duration timeout) throws IOException {
        return ask(proxy, "GET /netloom/cache HTTP/1.1\r\nHost: netloom\r\nConnection: close\r\n\r\n", timeout);
    }

    /** Drops {@code url} from the cache of the proxy at {@code proxy}: 200, or 404 when it was not stored. */
    public static Answer purge(InetSocketAddress proxy, String url, Duration timeout) throws IOException {
        HttpUrl u = HttpUrl.parse(url);
        String absolute = "http://" + u.hostHeader() + u.target();
        return ask(proxy, "PURGE " + absolute + " HTTP/1.1\r\nHost: " + u.hostHeader() + "\r\nConnection: close\r\n\r\n",
                timeout);
    }

    private static Answer ask(InetSocketAddress proxy, String request, Duration timeout) throws IOException {
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        try (Socket s = new Socket()) {
            s.connect(proxy, millis);
            s.setSoTimeout(millis);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            HeadReader reader = new HeadReader(new DataReader(s.getInputStream(), 4096, ReadTimeout.of(s)),
                    8192, 64 * 1024, 200);
            MessageHead head = reader.readResponse(millis);
            InputStream body = BodyInputStream.open(reader, head.responseBodyLength(false));
            byte[] bytes = body.readNBytes(MAX_BODY);
            return new Answer(head.status(), new String(bytes, StandardCharsets.UTF_8));
        } catch (HttpException e) {
            throw new IOException("the proxy at " + HostPort.format(proxy) + " sent a malformed answer: " + e.getMessage(), e);
        }
    }
}
