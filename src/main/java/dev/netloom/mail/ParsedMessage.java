package dev.netloom.mail;

import java.util.ArrayList;
import java.util.List;

/**
 * A message as {@link MessageReader} understood it: every top-level header in order (values
 * unfolded, not decoded), the first inline text/plain body and the first inline text/html body
 * (null when absent), and the attachments in the order they appear.
 */
public record ParsedMessage(List<Header> headers, String text, String html, List<Part> attachments) {

    public ParsedMessage {
        headers = List.copyOf(headers);
        attachments = List.copyOf(attachments);
    }

    /** The first header named {@code name} (case-insensitive), RFC 2047-decoded; null if none. */
    public String header(String name) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return EncodedWords.decode(h.value());
            }
        }
        return null;
    }

    /** Every header named {@code name} (case-insensitive), RFC 2047-decoded, in order; may be empty. */
    public List<String> headers(String name) {
        List<String> out = new ArrayList<>();
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                out.add(EncodedWords.decode(h.value()));
            }
        }
        return out;
    }

    /** The decoded Subject, "" if none. */
    public String subject() {
        String s = header("Subject");
        return s == null ? "" : s;
    }

    /** The decoded From header as written (display name and address), "" if none. */
    public String from() {
        String s = header("From");
        return s == null ? "" : s;
    }

    /**
     * The recipients' addresses (addr-spec only, such as {@code bob@example.com}) from every To
     * and then every Cc header, with display names, comments and group syntax taken away.
     */
    public List<String> to() {
        List<String> out = new ArrayList<>();
        for (String name : List.of("To", "Cc")) {
            for (Header h : headers) {
                if (h.name().equalsIgnoreCase(name)) {
                    for (Addresses.Mailbox m : Addresses.parse(h.value())) {
                        out.add(m.address());
                    }
                }
            }
        }
        return out;
    }
}
