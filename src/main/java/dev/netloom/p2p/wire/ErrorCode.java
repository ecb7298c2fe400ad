package dev.netloom.p2p.wire;

/**
 * The codes an ERROR frame carries (docs/protocol.md, "ERROR"). The sender of an ERROR closes the
 * connection after it; so does its receiver.
 */
public enum ErrorCode {
    /** A frame whose payload does not parse as its type says: short, long, or a bad field. */
    MALFORMED(1),
    /** A type byte this version does not define. */
    UNKNOWN_TYPE(2),
    /** A length prefix over the maximum frame size, or zero. */
    TOO_LARGE(3),
    /** No version both sides speak, or a HELLO without the magic. */
    UNSUPPORTED_VERSION(4),
    /** The HELLO's peer id is not the key the TLS handshake proved, or not the peer that was dialled. */
    AUTH(5),
    /** The receiver does not share the HELLO's root. */
    UNKNOWN_FILE(6),
    /** A frame not allowed in the connection's state (a REQUEST before HELLO, a second HELLO). */
    PROTOCOL(7),
    /** A REQUEST outside the file, or longer than the maximum block. */
    BAD_REQUEST(8),
    /** A chunk that failed its hash: the sender is banned for the session. */
    BAD_DATA(9),
    /** The receiver has banned the sender. */
    BANNED(10),
    /** The receiver has no room for another connection; try later. */
    BUSY(11),
    /** Nothing came within the timeout. */
    TIMEOUT(12),
    /** A relay or punch whose other side never came. */
    NO_PEER(13),
    /** The receiver failed on its side (a disk error); not the sender's fault. */
    INTERNAL(14);

    private final int value;

    ErrorCode(int value) {
        this.value = value;
    }

    /** The code's number on the wire. */
    public int value() {
        return value;
    }

    /** The code for {@code value}, or {@code null} for one this version does not define. */
    public static ErrorCode of(int value) {
        for (ErrorCode c : values()) {
            if (c.value == value) {
                return c;
            }
        }
        return null;
    }
}
