package dev.netloom.mail;

/**
 * One header field as read: the name as written, and the value unfolded (each CRLF followed
 * by whitespace becomes that whitespace), trimmed, and not RFC 2047-decoded.
 */
public record Header(String name, String value) {
}
