package dev.netloom.mail;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A file to attach to a {@link Draft}: its name as the recipient sees it (any Unicode; written
 * with RFC 2231 encoding when it is not plain ASCII), its MIME type chosen by the caller
 * ({@code type/subtype}, optionally with parameters such as {@code text/plain; charset=utf-8},
 * which are written along; a {@code name} parameter is replaced by {@code filename}), and its
 * bytes, which are copied.
 *
 * @throws NullPointerException     if any component is null
 * @throws IllegalArgumentException if {@code contentType} does not start with {@code type/subtype}
 *                                  or holds characters other than printable ASCII and spaces
 */
public record Attachment(String filename, String contentType, byte[] data) {

    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+");

    public Attachment {
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(data, "data");
        if (!TYPE.matcher(MimeParams.parse(contentType).value()).matches()
                || !contentType.chars().allMatch(c -> c >= ' ' && c < 0x7f)) {
            throw new IllegalArgumentException("contentType: expected type/subtype [; parameters], got '" + contentType + "'");
        }
        data = data.clone();
    }

    /** The bytes, as a copy. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The bytes without a copy, for the writer. */
    byte[] bytes() {
        return data;
    }
}
