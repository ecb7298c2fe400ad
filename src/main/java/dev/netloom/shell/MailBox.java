package dev.netloom.shell;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.tools.MailApiClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * {@code mail list|show|raw|save|delete}: the smtp service's stored messages, read through its JSON
 * API ({@code /api/messages}) with {@link MailApiClient}, so they work the same on a server in
 * this shell, in another process, or on another machine; this class prints what the API returns.
 */
final class MailBox {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private MailBox() {
    }

    /**
     * Runs {@code work} with a client of the API that {@code --api} names, else the running smtp
     * service's, else 127.0.0.1:8025; Ctrl-C ends the wait; a ShellException for an unreachable API
     * or an error status.
     */
    private static <T> T onApi(Shell shell, String api, ApiCall<T> work) throws IOException {
        MailApiClient client = new MailApiClient(MailCommand.api(shell, api));
        try {
            return Interruptible.call("mail-api", () -> work.apply(client), "interrupted");
        } catch (ConnectException e) {
            throw new ShellException("cannot reach the smtp API at " + client.api()
                    + " (is the smtp service running? --api HOST:PORT)");
        } catch (HttpTimeoutException e) {
            throw new ShellException("the smtp API at " + client.api() + " did not answer in time");
        } catch (MailApiClient.Refused e) {
            throw new ShellException(e.getMessage());
        }
    }

    /** One use of the API client. */
    private interface ApiCall<T> {
        T apply(MailApiClient client) throws IOException;
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
                throw new CommandLine.ParameterException(new CommandLine(this), "--limit must be 0-1000");
            }
            JsonNode page = onApi(shell, options.api, c -> c.list(limit, search, to));
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
            JsonNode m = onApi(shell, options.api, c -> c.message(id.id));
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
            byte[] raw = onApi(shell, options.api, c -> c.raw(id.id));
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
        @Spec
        CommandSpec spec;
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
                throw new CommandLine.ParameterException(spec.commandLine(), "PART: '" + part
                        + "' is not an attachment number (0 or more, as mail show lists them)");
            }
            String what;
            Path file = output;
            byte[] data;
            if (part == null) {
                data = onApi(shell, options.api, c -> c.raw(id.id));
                what = "message " + id.id;
                if (file == null) {
                    file = Path.of("message-" + id.id + ".eml");
                }
            } else {
                HttpResponse<byte[]> r = onApi(shell, options.api, c -> c.attachment(id.id, part));
                data = r.body();
                JsonNode a = onApi(shell, options.api, c -> c.message(id.id)).path("attachments").path(part);
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
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "give a message ID or --all, not both");
            }
            onApi(shell, options.api, c -> {
                if (all) {
                    c.deleteAll();
                } else {
                    c.delete(id);
                }
                return null;
            });
            shell.out().println(all ? "deleted every message" : "deleted message " + id);
            shell.out().flush();
            return 0;
        }
    }
}
