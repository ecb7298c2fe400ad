package dev.netloom.proxy;

/** One header field of a stored response, as it came (name in its case, value trimmed). */
public record Field(String name, String value) {
}
