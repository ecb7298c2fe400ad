package dev.netloom.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A raw HTTP/1.1 client on one socket to the proxy: writes requests as given, reads responses as framed. */
public final class RawHttpClient implements AutoCloseable {

    /** One response: status, fields by lower-case name (values of repeated names joined), body, how it was framed. */
    public record Response(int status, Map<String, String> fields, byte[] body, String framing) {

        public String header(String name) {
            return fields.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    public final Socket socket;
    private final InputStream in;

    public RawHttpClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(20_000);
        in = new BufferedInputStream(socket.getInputStream());
    }

    /** {@code GET url HTTP/1.1} with Host and the extra header lines given (each ending in CRLF). */
    public Response get(String url, String headers) throws IOException {
        return send("GET " + url + " HTTP/1.1\r\nHost: " + host(url) + "\r\n" + headers + "\r\n", null, false);
    }

    private static String host(String url) {
        String rest = url.substring(url.indexOf("//") + 2);
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    /** Writes {@code head} (and {@code body}) and reads the response; {@code toHead} when it answers HEAD. */
    public Response send(String head, byte[] body, boolean toHead) throws IOException {
        socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            socket.getOutputStream().write(body);
        }
        socket.getOutputStream().flush();
        return read(toHead);
    }

    /** Reads one response (interim 1xx ones are skipped). */
    public Response read(boolean toHead) throws IOException {
        while (true) {
            String status = line();
            if (status == null) {
                throw new IOException("connection closed before a response");
            }
            int code = Integer.parseInt(status.split(" ")[1]);
            Map<String, String> fields = new LinkedHashMap<>();
            for (String l; !(l = line()).isEmpty(); ) {
                int colon = l.indexOf(':');
                fields.merge(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip(),
                        (a, b) -> a + ", " + b);
            }
            if (code < 200) {
                continue;
            }
            if (toHead || code == 204 || code == 304) {
                return new Response(code, fields, new byte[0], "none");
            }
            String length = fields.get("content-length");
            if (length != null) {
                byte[] b = in.readNBytes(Integer.parseInt(length));
                if (b.length < Integer.parseInt(length)) {
                    throw new IOException("body cut after " + b.length + " of " + length + " bytes");
                }
                return new Response(code, fields, b, "length");
            }
            if ("chunked".equalsIgnoreCase(fields.get("transfer-encoding"))) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                while (true) {
                    String sizeLine = line();
                    if (sizeLine == null) {
                        throw new IOException("chunked body cut");
                    }
                    int size = Integer.parseInt(sizeLine.strip(), 16);
                    if (size == 0) {
                        line();
                        return new Response(code, fields, body.toByteArray(), "chunked");
                    }
                    body.write(in.readNBytes(size));
                    line();
                }
            }
            return new Response(code, fields, in.readAllBytes(), "close");
        }
    }

    /** True when the proxy closed the connection (end of stream, or a reset). */
    public boolean closedByPeer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return b < 0 && sb.isEmpty() ? null : sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
