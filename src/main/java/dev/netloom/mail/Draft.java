package dev.netloom.mail;

import java.util.List;
import java.util.Objects;

/**
 * A message to compose with {@link MessageWriter}. Addresses are RFC 5322 mailboxes as a user
 * types them ({@code bob@example.com}, {@code Bob Müller <bob@example.com>},
 * {@code "Doe, John" <j@example.com>}); {@code to} and {@code cc} may be empty (the writer does
 * not check recipients, and Bcc never appears in a draft because it is never written into
 * headers). {@code subject} null means empty. At least one of {@code text} and {@code html} is
 * non-null; {@code attachments} null means none.
 *
 * @throws NullPointerException     if {@code from}, {@code to} or {@code cc} (or an element) is null
 * @throws IllegalArgumentException if both {@code text} and {@code html} are null
 */
public record Draft(String from, List<String> to, List<String> cc, String subject,
                    String text, String html, List<Attachment> attachments) {

    public Draft {
        Objects.requireNonNull(from, "from");
        to = List.copyOf(Objects.requireNonNull(to, "to"));
        cc = List.copyOf(Objects.requireNonNull(cc, "cc"));
        subject = subject == null ? "" : subject;
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        if (text == null && html == null) {
            throw new IllegalArgumentException("text and html: at least one must be non-null");
        }
    }
}
