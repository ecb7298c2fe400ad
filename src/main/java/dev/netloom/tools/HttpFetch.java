package dev.netloom.tools;

import dev.netloom.core.DataReader;
import dev.netloom.core.HostPort;
import dev.netloom.core.Key;
import dev.netloom.core.ReadTimeout;
import dev.netloom.http1.BodyInputStream;
import dev.netloom.http1.HeadReader;
import dev.netloom.http1.HttpException;
import dev.netloom.http1.HttpUrl;
import dev.netloom.http1.MessageHead;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/*
 * The request written (RFC 9112 §3; one request per connection):
 *
 *   GET /path?query HTTP/1.1\r\n     through a proxy, absolute-form (§3.2.2):
 *                                    GET http://example.org:8080/path?query HTTP/1.1\r\n
 *   Host: example.org:8080\r\n       the port only when it is not 80
 *   User-Agent: netloom\r\n
 *   Accept: * / *\r\n                (without the spaces)
 *   Connection: close\r\n
 *   X-Extra: value\r\n               headers given by the caller, replacing defaults of the same name
 *   \r\n
 *
 * The response is read with the shared codec: the head by HeadReader, the body framed by
 * MessageHead.responseBodyLength (Content-Length, chunked, or until the server closes).
 */

/**
 * An HTTP/1.1 client on a plain socket: GET or HEAD one {@code http://} URL, optionally
 * following redirects (301, 302, 303, 307, 308; at most {@value #MAX_REDIRECTS}), and hand the
 * response heads and the final body to a {@link Listener} as they arrive.
 *
 * <p>Defaults: connect timeout 5 s, read timeout 30 s (for the response head, and for each
 * wait for body bytes), no other {@link HttpLimits} (as curl); at most {@value #MAX_INTERIM}
 * interim 1xx responses before the final one, no proxy. Every response that arrives whole is a
 * success, whatever its status.
 *
 * <p>With a proxy (curl's {@code -x}), each request, redirects included, goes to the proxy with
 * the URL as an absolute-form target (RFC 9112 §3.2.2) and the URL's Host header; the proxy's
 * answer, a 502 of its own too, is the response. Proxy-Authorization given as a header goes with
 * every request through it. There is no CONNECT tunnel, as there is no https.
 *
 * <p>Errors are IOExceptions whose message names the server (through a proxy, {@code HOST:PORT
 * via proxy PROXY:PORT}) and what went wrong: cannot connect ({@link ConnectException}; to a
 * proxy, {@code cannot connect to proxy PROXY:PORT: ...}), unknown host, no response in time
 * ({@link SocketTimeoutException}), a malformed response or too many redirects
 * ({@link ProtocolException}), a body shorter than its Content-Length or chunked framing
 * ({@link EOFException}), a limit reached ({@link HttpLimits.Exceeded}).
 */
public final class HttpFetch {

    public static final int MAX_REDIRECTS = 10;
    /** Interim (1xx) responses taken before the final one; more are a protocol error, not a loop. */
    public static final int MAX_INTERIM = 10;
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    /** Methods this client sends; a body goes with POST, PUT, PATCH and DELETE. */
    public static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Set<String> WITH_BODY = Set.of("POST", "PUT", "PATCH", "DELETE");

    /** What becomes of a response as it arrives. */
    public interface Listener {
        /** The request about to be sent, exactly as it goes on the wire. */
        default void request(byte[] request) throws IOException {
        }

        /** A response head: each interim 1xx and each redirect followed, then the final one. */
        void head(MessageHead head) throws IOException;

        /**
         * The final response's body (empty for HEAD, 204, 304); {@code length} is its
         * Content-Length, or -1 when chunked or delimited by the close. Read it to its end.
         */
        void body(InputStream body, long length) throws IOException;
    }

    private final int connectMillis;
    private final int readMillis;
    private final boolean follow;
    private final HttpLimits limits;
    private final HostPort proxy;

    /** With the default timeouts (connect 5 s, read 30 s). */
    public HttpFetch(boolean followRedirects) {
        this(CONNECT_TIMEOUT, READ_TIMEOUT, followRedirects);
    }

    public HttpFetch(Duration connectTimeout, Duration readTimeout, boolean followRedirects) {
        this(connectTimeout, readTimeout, followRedirects, HttpLimits.NONE);
    }

    public HttpFetch(Duration connectTimeout, Duration readTimeout, boolean followRedirects, HttpLimits limits) {
        this(connectTimeout, readTimeout, followRedirects, limits, null);
    }

    /** With {@code proxy} (see {@link HttpUrl#proxy}) every request goes through it; null for none. */
    public HttpFetch(Duration connectTimeout, Duration readTimeout, boolean followRedirects, HttpLimits limits,
                     HostPort proxy) {
        this.connectMillis = millis(connectTimeout);
        this.readMillis = millis(readTimeout);
        this.follow = followRedirects;
        this.limits = limits;
        this.proxy = proxy;
    }

    private static int millis(Duration d) {
        return (int) Math.clamp(d.toMillis(), 1, Integer.MAX_VALUE);
    }

    /** As the shell writes durations: 300ms, 30s. */
    private static String shown(int millis) {
        return Key.formatDuration(Duration.ofMillis(millis));
    }

    /** {@link #fetch(String, HttpUrl, List, byte[], Listener)} without a request body. */
    public MessageHead fetch(String method, HttpUrl url, List<HttpHeader> headers, Listener listener) throws IOException {
        return fetch(method, url, headers, null, listener);
    }

    /**
     * Sends {@code method} for {@code url}, with {@code body} when there is one, and delivers
     * the response to {@code listener}.
     *
     * @param method  one of {@link #METHODS}
     * @param headers added to the request, each replacing a default of the same name; they
     *                are sent to the URL's origin only (a redirect elsewhere drops Host,
     *                Authorization and Cookie)
     * @param body    the request body (sent with its Content-Length), or null; POST, PUT and
     *                PATCH without one send Content-Length: 0
     * @return the final response head
     * @throws IllegalArgumentException for another method, or a body with GET, HEAD or OPTIONS
     */
    public MessageHead fetch(String method, HttpUrl url, List<HttpHeader> headers, byte[] body, Listener listener)
            throws IOException {
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("method must be one of " + String.join(", ", new TreeSet<>(METHODS))
                    + ", not " + method);
        }
        if (body != null && !WITH_BODY.contains(method)) {
            throw new IllegalArgumentException(method + " does not take a body");
        }
        HttpUrl current = url;
        long deadline = limits.deadline();
        for (int redirects = 0; ; redirects++) {
            byte[] request = request(method, current, current.sameOrigin(url) ? headers
                    : headers.stream().filter(h -> !h.isCredentialOrHost() || (proxy != null && h.isProxyCredential()))
                    .toList(), body, proxy != null);
            listener.request(request);
            String who = who(current);
            try (Socket socket = proxy != null ? connect(proxy.host(), proxy.port(), "proxy " + proxy, deadline)
                    : connect(current.host(), current.port(), current.authority(), deadline)) {
                send(socket, request, deadline, who);
                HttpLimits.Wire wire = limits.wire(socket.getInputStream(), socket, deadline, who);
                HeadReader reader = new HeadReader(new DataReader(wire, 4096, ReadTimeout.of(socket)), 8192, 64 * 1024, 200);
                MessageHead head = readHead(reader, who, listener);
                socket.setSoTimeout(readMillis); // the wire below may have shortened it to the fetch's deadline
                listener.head(head);
                long framing = framing(head, method, who);
                String location = head.header("Location");
                if (follow && REDIRECTS.contains(head.status()) && location != null) {
                    if (redirects == MAX_REDIRECTS) {
                        throw new ProtocolException("too many redirects: more than " + MAX_REDIRECTS
                                + " (the last to " + location + ")");
                    }
                    // 303, and 301/302 after a POST, turn into a GET without the body (as browsers do).
                    if (head.status() == 303 || (head.status() <= 302 && method.equals("POST"))) {
                        method = head.status() == 303 && method.equals("HEAD") ? "HEAD" : "GET";
                        body = null;
                    }
                    try {
                        current = current.resolve(location);
                    } catch (IllegalArgumentException e) {
                        throw new ProtocolException(current.authority() + ": cannot follow the redirect: " + e.getMessage());
                    }
                    continue;
                }
                limits.checkLength(framing, who);
                wire.bodyStarts();
                body(listener, limits.capped(BodyInputStream.open(reader, framing), who), framing, who);
                return head;
            }
        }
    }

    /** Who answers {@code url}, for messages: its authority, or {@code AUTHORITY via proxy HOST:PORT}. */
    private String who(HttpUrl url) {
        return proxy == null ? url.authority() : url.authority() + " via proxy " + proxy;
    }

    /**
     * The request's bytes: its head with {@code headers} (for a proxy, the absolute-form target),
     * a Content-Length when it has a body or may, then the body.
     */
    private static byte[] request(String method, HttpUrl url, List<HttpHeader> headers, byte[] body, boolean absoluteForm) {
        List<HttpHeader> sent = new ArrayList<>(headers);
        if (body != null || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            sent.add(new HttpHeader("Content-Length", Integer.toString(body == null ? 0 : body.length)));
        }
        byte[] request = HttpHeader.request(method, url, sent, absoluteForm);
        if (body != null && body.length > 0) {
            int headLength = request.length;
            request = Arrays.copyOf(request, headLength + body.length);
            System.arraycopy(body, 0, request, headLength, body.length);
        }
        return request;
    }

    /** The response body's length as its head frames it (see {@link MessageHead#responseBodyLength}). */
    private static long framing(MessageHead head, String method, String who) throws ProtocolException {
        try {
            return head.responseBodyLength(method.equals("HEAD"));
        } catch (HttpException e) {
            throw new ProtocolException(who + ": malformed response: " + e.getMessage());
        }
    }

    private void body(Listener listener, InputStream body, long framing, String who) throws IOException {
        try {
            listener.body(body, framing >= 0 ? framing : -1);
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException(who + ": no body data for " + shown(readMillis));
        } catch (EOFException e) {
            String what = who + " closed the connection early: " + e.getMessage();
            throw (EOFException) new EOFException(what).initCause(e);
        } catch (ProtocolException e) {
            String what = who + ": malformed body: " + e.getMessage();
            throw (ProtocolException) new ProtocolException(what).initCause(e);
        }
    }

    /**
     * Writes the request. A socket write has no timeout, so under a deadline a watchdog closes
     * the socket when it passes (a server that never reads a large body).
     */
    private void send(Socket socket, byte[] request, long deadline, String who) throws IOException {
        if (deadline == 0) {
            socket.getOutputStream().write(request);
            return;
        }
        AtomicBoolean expired = new AtomicBoolean();
        CountDownLatch written = new CountDownLatch(1);
        Thread watchdog = Thread.ofVirtual().name("http-client-deadline").start(() -> {
            try {
                if (!written.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    expired.set(true);
                    socket.close();
                }
            } catch (InterruptedException | IOException e) {
                // the write ended first, or the socket is closed anyway
            }
        });
        try {
            socket.getOutputStream().write(request);
        } catch (IOException e) {
            if (expired.get()) {
                throw limits.timeUp(who, -1);
            }
            throw e;
        } finally {
            written.countDown();
        }
        try {
            watchdog.join(); // so it cannot close the socket once the response is being read
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        if (expired.get()) {
            throw limits.timeUp(who, -1);
        }
    }

    /** The final response head; interim 1xx heads (at most {@link #MAX_INTERIM}) go to the listener. */
    private MessageHead readHead(HeadReader reader, String who, Listener listener) throws IOException {
        for (int interim = 0; ; interim++) {
            MessageHead head;
            try {
                head = reader.readResponse(readMillis); // the wire below keeps the deadline
            } catch (HttpException e) {
                if (e.status() == 408) {
                    throw new SocketTimeoutException(who + ": no response within " + shown(readMillis));
                }
                throw new ProtocolException(who + ": malformed response: " + e.getMessage());
            } catch (EOFException e) {
                throw new EOFException(who + " closed the connection without a response");
            }
            int status = head.status();
            if (status < 100 || status > 599 || status == 101) {
                throw new ProtocolException(who + ": unexpected status in '" + head.startLine() + "'");
            }
            if (status >= 200) {
                return head;
            }
            if (interim == MAX_INTERIM) {
                throw new ProtocolException(who + ": more than " + MAX_INTERIM
                        + " interim responses (the last '" + head.startLine() + "') and no final one");
            }
            listener.head(head);
        }
    }

    /**
     * Tries each address of {@code host} (the proxy's when there is one) in turn, as it resolves;
     * {@code what} names it in messages ({@code example.org:80}, {@code proxy 127.0.0.1:3128}).
     */
    private Socket connect(String host, int port, String what, long deadline) throws IOException {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new UnknownHostException((proxy != null ? "unknown proxy host " : "unknown host ") + host);
        }
        IOException last = null;
        for (InetAddress address : addresses) {
            int wait = limits.within(deadline, connectMillis, what, -1);
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), wait);
                socket.setSoTimeout(readMillis);
                socket.setTcpNoDelay(true);
                return socket;
            } catch (IOException e) {
                socket.close();
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("interrupted");
                }
                last = e instanceof SocketTimeoutException
                        ? new SocketTimeoutException("cannot connect to " + what + ": no answer within "
                        + shown(connectMillis))
                        : new ConnectException("cannot connect to " + what + ": " + e.getMessage());
            }
        }
        throw last;
    }
}
