package dev.netloom.shell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * {@code mail list|show|raw|save|delete}: the smtp service's stored messages, read through its JSON
 * API ({@code /api/messages}) with the JDK's HTTP client, so they work the same on a server in
 * this shell, in another process, or on another machine.
 */
final class MailBox {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private MailBox() {
    }

    /** GETs or DELETEs {@code path} on the API; a ShellException for a refused connection or an error status. */
    private static HttpResponse<byte[]> request(Shell shell, String api, String method, String path) throws IOException {
        InetSocketAddress a = MailCommand.api(shell, api);
        String host = a.getHostString().contains(":") ? "[" + a.getHostString() + "]" : a.getHostString();
        URI uri = URI.create("http://" + host + ":" + a.getPort() + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<byte[]> r;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            r = Interruptible.call("mail-api", () -> http.send(request, HttpResponse.BodyHandlers.ofByteArray()),
                    "interrupted");
        } catch (ConnectException e) {
            throw new ShellException("cannot reach the smtp API at " + host + ":" + a.getPort()
                    + " (is the smtp service running? --api HOST:PORT)");
        } catch (HttpTimeoutException e) {
            throw new ShellException("the smtp API at " + host + ":" + a.getPort() + " did not answer in time");
        }
        if (r.statusCode() >= 400) {
            String message = new String(r.body(), StandardCharsets.UTF_8);
            try {
                message = JSON.readTree(r.body()).path("error").asText(message);
            } catch (IOException notJson) {
                // the body as it is
            }
            throw new ShellException(message + " (HTTP " + r.statusCode() + ")");
        }
        return r;
    }

    private static JsonNode json(Shell shell, String api, String path) throws IOException {
        return JSON.readTree(request(shell, api, "GET", path).body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String cut(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "…";
    }

    @Command(name = "list", description = {"List stored messages, newest first.",
            "One line each: id, date, from, to, subject, size."})
    static final class List extends ShellBound {
        @Mixin
        MailCommand.ApiOption options;
        @Option(names = "--to", paramLabel = "ADDRESS", description = "only messages for a recipient containing ADDRESS")
        String to;
        @Option(names = "--search", paramLabel = "TEXT", description = "only messages whose addresses, subject or text contain TEXT")
        String search;
        @Option(names = "--limit", paramLabel = "N", description = "at most N messages (default 50)")
        int limit = 50;

        @Override
        public Integer call() throws IOException {
            if (limit < 0 || limit > 1000) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--limit must be 0-1000");
            }
            StringBuilder path = new StringBuilder("/api/messages?limit=").append(limit);
            if (search != null) {
                path.append("&q=").append(enc(search));
            }
            if (to != null) {
                path.append("&to=").append(enc(to));
            }
            JsonNode page = json(shell, options.api, path.toString());
            PrintWriter out = shell.out();
            out.printf("%-6s %-19s %-28s %-28s %-32s %8s%n", "ID", "DATE", "FROM", "TO", "SUBJECT", "SIZE");
            for (JsonNode m : page.path("messages")) {
                JsonNode rcpts = m.path("to");
                String toText = rcpts.isEmpty() ? "" : rcpts.get(0).asText() + (rcpts.size() > 1 ? " +" + (rcpts.size() - 1) : "");
                out.printf("%-6d %-19s %-28s %-28s %-32s %8d%n", m.path("id").asLong(),
                        WHEN.format(Instant.parse(m.path("date").asText())), cut(m.path("from").asText("<>"), 28),
                        cut(toText, 28), cut(m.path("subject").asText(), 32), m.path("size").asLong());
            }
            out.println(page.path("messages").size() + " of " + page.path("total").asLong() + " message(s)");
            out.flush();
            return 0;
        }
    }

    @Command(name = "show", description = {"Show one message's headers, text and attachment list.",
            "The main headers, the text part, and the attachments (numbered for mail save)."})
    static final class Show extends ShellBound {
        @Mixin
        MailCommand.ApiOption options;
        @Mixin
        MailCommand.IdParameter id;

        @Override
        public Integer call() throws IOException {
            JsonNode m = json(shell, options.api, "/api/messages/" + id.id);
            PrintWriter out = shell.out();
            out.println("Envelope-From: <" + m.path("from").asText() + ">");
            StringBuilder rcpts = new StringBuilder();
            m.path("to").forEach(r -> rcpts.append(rcpts.isEmpty() ? "" : ", ").append('<').append(r.asText()).append('>'));
            out.println("Envelope-To: " + rcpts);
            for (String name : new String[] {"From", "To", "Cc", "Subject", "Date", "Message-ID"}) {
                for (JsonNode h : m.path("headers")) {
                    if (h.path("name").asText().equalsIgnoreCase(name)) {
                        out.println(name + ": " + h.path("value").asText());
                    }
                }
            }
            out.println();
            JsonNode text = m.path("text");
            if (!text.isNull() && !text.isMissingNode()) {
                out.println(text.asText().replace("\r\n", "\n").stripTrailing());
            } else if (!m.path("html").isNull()) {
                out.println("(no text part; an HTML part of " + m.path("html").asText().length()
                        + " characters: mail raw " + id.id + ")");
            } else {
                out.println("(no text part)");
            }
            JsonNode attachments = m.path("attachments");
            if (!attachments.isEmpty()) {
                out.println();
                out.println("Attachments:");
                for (JsonNode a : attachments) {
                    out.printf("  %d  %s  %s  %d bytes%n", a.path("index").asInt(), a.path("filename").asText("(no name)"),
                            a.path("contentType").asText(), a.path("size").asLong());
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "raw", description = "Print one message's stored source, byte for byte.")
    static final class Raw extends ShellBound {
        @Mixin
        MailCommand.ApiOption options;
        @Mixin
        MailCommand.IdParameter id;

        @Override
        public Integer call() throws IOException {
            byte[] raw = request(shell, options.api, "GET", "/api/messages/" + id.id + "/raw").body();
            PrintWriter out = shell.out();
            out.flush();
            if (shell.bytesOut().isPresent()) {
                shell.bytesOut().get().write(raw); // 8-bit messages stay byte for byte
                shell.bytesOut().get().flush();
            } else {
                out.print(new String(raw, StandardCharsets.UTF_8));
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "save", description = {"Save an attachment, or the whole message, to a file.",
            "mail save ID PART saves attachment PART; mail save ID the message.",
            "PART is the attachment's number as mail show lists it (from 0), saved decoded, byte for byte;",
            "without PART the message's stored source is saved (an .eml file).",
            "Without -o the file is named after the attachment (its base name only; message-ID.eml for a message)",
            "in the working directory, and an existing file is not overwritten; -o FILE writes FILE, replacing it."})
    static final class Save extends ShellBound {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Mixin
        MailCommand.ApiOption options;
        @Mixin
        MailCommand.IdParameter id;
        @Parameters(index = "1", arity = "0..1", paramLabel = "PART", description = "the attachment's number (from 0)")
        Integer part;
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "the file to write")
        Path output;

        @Override
        public Integer call() throws IOException {
            if (part != null && part < 0) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "PART: '" + part
                        + "' is not an attachment number (0 or more, as mail show lists them)");
            }
            String what;
            Path file = output;
            byte[] data;
            if (part == null) {
                data = request(shell, options.api, "GET", "/api/messages/" + id.id + "/raw").body();
                what = "message " + id.id;
                if (file == null) {
                    file = Path.of("message-" + id.id + ".eml");
                }
            } else {
                HttpResponse<byte[]> r = request(shell, options.api, "GET", "/api/messages/" + id.id + "/attachments/" + part);
                data = r.body();
                JsonNode a = json(shell, options.api, "/api/messages/" + id.id).path("attachments").path(part);
                String name = a.path("filename").asText("");
                what = "attachment " + part + " of message " + id.id + " (" + (name.isEmpty() ? "no name" : name) + ", "
                        + r.headers().firstValue("Content-Type").orElse("application/octet-stream") + ")";
                if (file == null) {
                    file = Path.of(safeName(name, "message-" + id.id + "-part-" + part + ".bin"));
                }
            }
            if (output == null && Files.exists(file)) {
                throw new ShellException(file + " exists; give -o FILE to replace it or to save elsewhere");
            }
            try {
                Files.write(file, data);
            } catch (IOException e) {
                throw new ShellException("cannot write " + file + ": " + (e instanceof NoSuchFileException
                        ? "no such directory" : e instanceof AccessDeniedException ? "permission denied" : e.getMessage()));
            }
            shell.out().println("saved " + what + ", " + data.length + " bytes, to " + file);
            shell.out().flush();
            return 0;
        }

        /** The last path segment of a sender-chosen name, so it cannot point outside the working directory. */
        static String safeName(String name, String fallback) {
            String base = name.replace('\\', '/');
            base = base.substring(base.lastIndexOf('/') + 1).strip();
            return base.isEmpty() || base.equals(".") || base.equals("..") || base.chars().anyMatch(c -> c < 0x20)
                    ? fallback : base;
        }
    }

    @Command(name = "delete", description = {"Delete one message, or every message with --all.",
            "mail delete ID, or mail delete --all."})
    static final class Delete extends ShellBound {
        @Mixin
        MailCommand.ApiOption options;
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "the message to delete")
        Long id;
        @Option(names = "--all", description = "delete every message")
        boolean all;

        @Override
        public Integer call() throws IOException {
            if (all == (id != null)) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "give a message ID or --all, not both");
            }
            request(shell, options.api, "DELETE", all ? "/api/messages" : "/api/messages/" + id);
            shell.out().println(all ? "deleted every message" : "deleted message " + id);
            shell.out().flush();
            return 0;
        }
    }
}
