package dev.netloom.shell;

import dev.netloom.core.HostPort;
import dev.netloom.core.Key;
import dev.netloom.http1.HttpUrl;
import dev.netloom.tools.HttpFetch;
import dev.netloom.tools.HttpHeader;
import dev.netloom.tools.HttpLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code http METHOD URL [-d BODY]}: an HTTP/1.1 request on a plain socket ({@link HttpFetch}), the
 * response printed as status line, headers, a blank line and the body. Exit code 0 for every
 * complete response, 404 included (as curl without -f); 1 when the connection or the response
 * fails; 2 for usage errors (a bad method, URL, header or option). The exchange runs on a virtual thread, so Ctrl-C ends it
 * at once even while it waits for the server. curl's {@code --max-time}, {@code --max-filesize},
 * {@code --speed-limit} and {@code --speed-time} bound a server that never stops; with
 * {@code -o}, where nobody may be watching, the last three default to {@link HttpLimits#DOWNLOAD}.
 * curl's {@code -x/--proxy} sends every request, redirects included, through an HTTP proxy in
 * absolute-form; only the option does it (no {@code http_proxy} variable), and an https URL
 * through it is refused as https is everywhere (there is no TLS, so no CONNECT tunnel).
 */
@Command(name = "http", description = {
        "HTTP/1.1 client: send one request and print the response.",
        "HTTP/1.1 client: send GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS to an http:// URL (with -d, a body);",
        "print the status line, the headers, a blank line and the body.",
        "Exit code 0 for any complete response (404 too), 1 if the connection or the response fails, 2 for usage errors."})
final class HttpCommand extends ShellBound {

    @Parameters(index = "0", paramLabel = "METHOD", description = "get, head, post, put, patch, delete or options")
    String method;
    @Parameters(index = "1", paramLabel = "URL", description = "http://HOST[:PORT][/PATH][?QUERY] (https is not supported)")
    String url;
    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'",
            description = "send this header, replacing a default of that name (Host, User-Agent, Accept, "
                    + "Connection); 'NAME:' drops the default")
    List<String> headers = new ArrayList<>();
    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "write the body to FILE (the headers still print); shows a progress bar on a terminal")
    Path output;
    @Option(names = {"-v", "--verbose"}, description = "show the request as sent")
    boolean verbose;
    @Option(names = {"-L", "--location"}, description = "follow redirects (301, 302, 303, 307, 308), at most 10")
    boolean follow;
    @Option(names = {"-d", "--data"}, paramLabel = "TEXT|@FILE",
            description = "request body, or @FILE for a file's bytes (post, put, patch, delete); "
                    + "Content-Type: application/json unless -H gives one")
    String data;
    @Option(names = {"-x", "--proxy"}, paramLabel = "[http://]HOST[:PORT]",
            description = "send the request through this HTTP proxy, the URL as the request target "
                    + "(port 1080 when left out, as curl); the http_proxy variable is not read")
    String proxy;
    @Option(names = "--timeout", paramLabel = "DURATION", description = "connect and read timeout (default: connect 5s, read 30s)")
    Duration timeout;
    @Option(names = "--max-time", paramLabel = "DURATION",
            description = "give up once the whole exchange, redirects included, has taken this long (default: no limit)")
    Duration maxTime;
    @Option(names = "--max-filesize", paramLabel = "SIZE",
            description = "refuse a body over SIZE such as 100MiB or 2GiB (default with -o: 1GiB, else none; 0 = none)")
    String maxFileSize;
    @Option(names = "--speed-limit", paramLabel = "BYTES",
            description = "give up on a body slower than BYTES a second over --speed-time (default with -o: 100, else none; 0 = none)")
    Long speedLimit;
    @Option(names = "--speed-time", paramLabel = "DURATION", description = "the period --speed-limit is averaged over (default 30s)")
    Duration speedTime;

    @Override
    public Integer call() throws Exception {
        String m = method.toUpperCase(Locale.ROOT);
        if (!HttpFetch.METHODS.contains(m)) {
            throw ShellException.usage("the method must be get, head, post, put, patch, delete or options, not '" + method + "'");
        }
        if (data != null && (m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS"))) {
            throw ShellException.usage("--data goes with post, put, patch or delete, not " + method);
        }
        byte[] body = requestBody();
        if (proxy != null && url.strip().regionMatches(true, 0, "https://", 0, 8)) {
            throw ShellException.usage("https through --proxy is not supported: the http client has no TLS, "
                    + "so no CONNECT tunnel; use curl");
        }
        HttpUrl target;
        HostPort via = null;
        List<HttpHeader> given = new ArrayList<>();
        try {
            target = HttpUrl.parse(url);
            if (proxy != null) {
                via = HttpUrl.proxy(proxy);
            }
            for (String h : headers) {
                given.add(HttpHeader.parse(h));
            }
            if (body != null && given.stream().noneMatch(h -> h.name().equalsIgnoreCase("Content-Type"))) {
                given.add(new HttpHeader("Content-Type", "application/json"));
            }
        } catch (IllegalArgumentException e) {
            throw ShellException.usage(e.getMessage());
        }
        if (timeout != null && timeout.isZero()) {
            throw ShellException.usage("--timeout must be more than 0");
        }
        HttpFetch fetch = new HttpFetch(timeout != null ? timeout : HttpFetch.CONNECT_TIMEOUT,
                timeout != null ? timeout : HttpFetch.READ_TIMEOUT, follow, limits(), via);
        // a progress bar only for a person watching: the shell on a terminal, or netloom run from one
        boolean progress = output != null && (shell.interactive() || Terminals.interactive());
        HttpOutput listener = new HttpOutput(shell, output, verbose, progress);
        try {
            Interruptible.call("http-client", () -> {
                fetch.fetch(m, target, given, body, listener);
                return null;
            }, "interrupted");
            return 0;
        } catch (ShellException interrupted) { // Ctrl-C; the worker's socket is closed by then
            listener.endLine();
            throw interrupted;
        } catch (IOException e) {
            listener.endLine();
            throw new ShellException(e.getMessage() != null ? e.getMessage() : e.toString());
        }
    }

    /** The bytes of {@code -d}: its text, or the file {@code @FILE} names; null without {@code -d}. */
    private byte[] requestBody() {
        if (data == null) {
            return null;
        }
        try {
            return data.startsWith("@") ? Files.readAllBytes(Path.of(data.substring(1))) : data.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ShellException("cannot read " + data.substring(1) + ": " + e.getMessage());
        }
    }

    /** curl's limits from the options; unset ones take {@link HttpLimits#DOWNLOAD} with -o, else none. */
    private HttpLimits limits() {
        HttpLimits defaults = output != null ? HttpLimits.DOWNLOAD : HttpLimits.NONE;
        long size = defaults.maxFileSize();
        if (maxFileSize != null) {
            Long parsed = Key.parseSize(maxFileSize);
            if (parsed == null) {
                throw ShellException.usage("--max-filesize '" + maxFileSize + "' is not a size such as 100MiB or 2GiB (0 = none)");
            }
            size = parsed;
        }
        if (speedLimit != null && speedLimit < 0) {
            throw ShellException.usage("--speed-limit cannot be negative");
        }
        if (speedTime != null && speedTime.isZero()) {
            throw ShellException.usage("--speed-time must be more than 0");
        }
        return new HttpLimits(maxTime, size, speedLimit != null ? speedLimit : defaults.speedLimit(),
                speedTime != null ? speedTime : defaults.speedTime());
    }
}
