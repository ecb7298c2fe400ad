package dev.netloom.mail;

/**
 * An attachment found by {@link MessageReader}: its filename (RFC 2231/2047-decoded; null when
 * the part names none), its MIME type as lower-case {@code type/subtype} without parameters,
 * and its data with the transfer encoding (base64, quoted-printable) removed;
 * {@code size == data.length}.
 */
public record Part(String filename, String contentType, long size, byte[] data) {
}
