package dev.netloom.mailbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.http1.ContentTypes;
import dev.netloom.mail.EncodedWords;
import dev.netloom.mail.Header;
import dev.netloom.mail.MessageReader;
import dev.netloom.mail.ParsedMessage;
import dev.netloom.mail.Part;

import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the smtp service's JSON API and the admin's Mail tab answer alike:
 *
 * <pre>
 * list     {"total": N, "version": V, "messages": [summary...]}
 * summary  {"id", "from", "to": [...], "subject", "date", "size"}  (envelope addresses, arrival in UTC)
 * detail   summary + "headers": [{"name", "value"}] (RFC 2047 decoded), "text", "html" (null when absent),
 *          "attachments": [{"index", "filename", "contentType", "size"}]
 * </pre>
 *
 * and how an attachment is served: always as a download, with the sender's type only when no browser
 * runs it ({@link #inert}), under {@link #SANDBOX} and {@code nosniff}.
 */
public final class MailJson {

    /** The CSP of every answer that holds the sender's bytes: nothing loads or runs, in an opaque origin. */
    public static final String SANDBOX = "default-src 'none'; sandbox";
    public static final int MAX_LIMIT = 1000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Types a browser shows without running anything; the rest (HTML, SVG, XML, scripts...) is octet-stream. */
    private static final Pattern INERT = Pattern.compile(
            "(image/(png|jpeg|gif|webp|avif|bmp)|audio/[a-z0-9.+-]+|video/[a-z0-9.+-]+|text/(plain|csv)"
                    + "|application/(pdf|zip|gzip|octet-stream))");

    private MailJson() {
    }

    /** The list's parameters: {@code q} and {@code to} (blank for any), {@code limit} (50, at most 1000), {@code offset}. */
    public record ListQuery(String q, String to, int limit, int offset) {

        /**
         * From the request's query parameters.
         *
         * @throws IllegalArgumentException (a 400) naming what is wrong with limit or offset
         */
        public static ListQuery of(Map<String, String> params) {
            int limit;
            int offset;
            try {
                limit = Integer.parseInt(params.getOrDefault("limit", "50"));
                offset = Integer.parseInt(params.getOrDefault("offset", "0"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("limit and offset must be integers");
            }
            if (limit < 0 || limit > MAX_LIMIT || offset < 0) {
                throw new IllegalArgumentException("limit must be 0-" + MAX_LIMIT + " and offset at least 0");
            }
            return new ListQuery(params.get("q"), params.get("to"), limit, offset);
        }

        /** This page of {@code box}. */
        public Mailbox.Page from(Mailbox box) throws IOException {
            return box.list(q, to, limit, offset);
        }
    }

    /** An attachment as it is served: its (inert) content type, Content-Disposition, and the decoded bytes. */
    public record Download(String contentType, String disposition, byte[] data) {
    }

    /** {@code {"total", "version", "messages"}}. */
    public static ObjectNode page(Mailbox.Page page, long version) {
        ObjectNode root = NODES.objectNode();
        root.put("total", page.total());
        root.put("version", version);
        ArrayNode list = root.putArray("messages");
        page.messages().forEach(s -> list.add(summary(s)));
        return root;
    }

    /** One row of the list. */
    public static ObjectNode summary(Mailbox.Summary s) {
        ObjectNode n = NODES.objectNode();
        n.put("id", s.id());
        n.put("from", s.sender());
        ArrayNode to = n.putArray("to");
        s.recipients().forEach(to::add);
        n.put("subject", s.subject());
        n.put("date", Instant.ofEpochMilli(s.received()).toString());
        n.put("size", s.size());
        return n;
    }

    /** The summary with headers, text, html and the attachments' list. */
    public static ObjectNode detail(Mailbox.Stored m) {
        ParsedMessage p = MessageReader.parse(m.raw());
        ObjectNode n = summary(m.summary());
        ArrayNode headers = n.putArray("headers");
        for (Header h : p.headers()) {
            headers.addObject().put("name", h.name()).put("value", EncodedWords.decode(h.value()));
        }
        n.put("text", p.text());
        n.put("html", p.html());
        ArrayNode attachments = n.putArray("attachments");
        for (int i = 0; i < p.attachments().size(); i++) {
            Part a = p.attachments().get(i);
            attachments.addObject().put("index", i).put("filename", a.filename()).put("contentType", a.contentType())
                    .put("size", a.size());
        }
        return n;
    }

    /** Attachment {@code index} (from 0, as {@code index} in the detail) of {@code m}, or null when it has none such. */
    public static Download attachment(Mailbox.Stored m, int index) {
        ParsedMessage p = MessageReader.parse(m.raw());
        if (index < 0 || index >= p.attachments().size()) {
            return null;
        }
        Part a = p.attachments().get(index);
        // the sender chose the type and the bytes: never let them render, run or be sniffed in our origin
        return new Download(inert(a.contentType()), a.filename() == null ? "attachment"
                : "attachment; filename*=" + EncodedWords.extendedValue(a.filename()), a.data());
    }

    /** The sender's media type (without parameters) when a browser runs nothing of it, else {@code application/octet-stream}. */
    public static String inert(String contentType) {
        String type = contentType == null ? "" : contentType.strip().toLowerCase(Locale.ROOT);
        return INERT.matcher(type).matches() ? type : ContentTypes.DEFAULT;
    }
}
