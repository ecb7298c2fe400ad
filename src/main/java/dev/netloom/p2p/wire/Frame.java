package dev.netloom.p2p.wire;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * One frame of the netloom peer protocol, versions 1 and 2 (docs/protocol.md): a type byte and its
 * payload. Every record here is one message of the specification, with the type byte it is sent
 * under ({@link #type()}) and a one-line description ({@link #describe()}) that the specification's
 * examples quote. Byte arrays are hashes and peer ids of {@value #ID_LENGTH} bytes unless said;
 * records copy nothing, so a caller must not change an array after it made the frame.
 */
public sealed interface Frame {

    /** Bytes of a peer id, a root hash and a chunk hash (SHA-256). */
    int ID_LENGTH = 32;
    /** The version this build speaks; HELLO offers [{@link #MIN_VERSION}, {@link #MAX_VERSION}]. */
    int MIN_VERSION = 1;
    int MAX_VERSION = 2;
    /** The first version whose connections leave TLS for sealed records after SEAL. */
    int SEALED_VERSION = 2;
    /** HELLO's magic: "NLP2". */
    int MAGIC = 0x4E4C5032;

    byte HELLO = 0x01;
    byte ERROR = 0x02;
    byte PING = 0x03;
    byte PONG = 0x04;
    byte SEAL = 0x05;
    byte GET_MANIFEST = 0x10;
    byte MANIFEST = 0x11;
    byte BITFIELD = 0x12;
    byte HAVE = 0x13;
    byte INTERESTED = 0x14;
    byte NOT_INTERESTED = 0x15;
    byte CHOKE = 0x16;
    byte UNCHOKE = 0x17;
    byte REQUEST = 0x18;
    byte PIECE = 0x19;
    byte CANCEL = 0x1A;
    byte ANNOUNCE = 0x20;
    byte LOOKUP = 0x21;
    byte PEERS = 0x22;
    byte PUNCH_REQUEST = 0x23;
    byte PUNCH = 0x24;
    byte RELAY = 0x25;
    byte RELAY_OK = 0x26;

    /** The type byte this frame is sent under. */
    byte type();

    /** The frame in one line, as the specification's examples print it: {@code HAVE index=7}. */
    String describe();

    /** The type's name as the specification writes it, or {@code 0xNN} for a type it does not define. */
    static String typeName(byte type) {
        return switch (type) {
            case HELLO -> "HELLO";
            case ERROR -> "ERROR";
            case PING -> "PING";
            case PONG -> "PONG";
            case SEAL -> "SEAL";
            case GET_MANIFEST -> "GET_MANIFEST";
            case MANIFEST -> "MANIFEST";
            case BITFIELD -> "BITFIELD";
            case HAVE -> "HAVE";
            case INTERESTED -> "INTERESTED";
            case NOT_INTERESTED -> "NOT_INTERESTED";
            case CHOKE -> "CHOKE";
            case UNCHOKE -> "UNCHOKE";
            case REQUEST -> "REQUEST";
            case PIECE -> "PIECE";
            case CANCEL -> "CANCEL";
            case ANNOUNCE -> "ANNOUNCE";
            case LOOKUP -> "LOOKUP";
            case PEERS -> "PEERS";
            case PUNCH_REQUEST -> "PUNCH_REQUEST";
            case PUNCH -> "PUNCH";
            case RELAY -> "RELAY";
            case RELAY_OK -> "RELAY_OK";
            default -> String.format(Locale.ROOT, "0x%02X", type & 0xFF);
        };
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** The first frame each side sends: magic, the versions it speaks, who it is, what it is about. */
    record Hello(int minVersion, int maxVersion, byte[] peerId, byte[] root, int listenPort) implements Frame {
        public byte type() {
            return HELLO;
        }

        public String describe() {
            return "HELLO versions=" + minVersion + ".." + maxVersion + " peer=" + hex(peerId) + " root=" + hex(root)
                    + " port=" + listenPort;
        }
    }

    /** Why the sender is closing the connection; the receiver closes too. */
    record ErrorFrame(int code, String message) implements Frame {
        public ErrorFrame(ErrorCode code, String message) {
            this(code.value(), message);
        }

        public byte type() {
            return ERROR;
        }

        /** The code as this version knows it, or {@code null} for one it does not (a newer peer's). */
        public ErrorCode errorCode() {
            return ErrorCode.of(code);
        }

        public String describe() {
            ErrorCode known = errorCode();
            return "ERROR code=" + code + " (" + (known == null ? "unknown" : known) + ") message=\"" + message + "\"";
        }
    }

    /** Asks for a PONG with the same nonce; also keeps a quiet connection open. */
    record Ping(long nonce) implements Frame {
        public byte type() {
            return PING;
        }

        public String describe() {
            return "PING nonce=" + nonce;
        }
    }

    /** The answer to a PING. */
    record Pong(long nonce) implements Frame {
        public byte type() {
            return PONG;
        }

        public String describe() {
            return "PONG nonce=" + nonce;
        }
    }

    /**
     * Version 2: the sender's half of the secret the sealed records' keys come from, sent over TLS
     * right after the HELLOs; after it the sender writes sealed records, not TLS.
     */
    record Seal(byte[] secret) implements Frame {
        public byte type() {
            return SEAL;
        }

        public String describe() {
            return "SEAL secret=" + hex(secret);
        }
    }

    /** Asks for the manifest of the connection's root. */
    record GetManifest() implements Frame {
        public byte type() {
            return GET_MANIFEST;
        }

        public String describe() {
            return "GET_MANIFEST";
        }
    }

    /** The manifest of the connection's root, in its canonical bytes (see {@link Manifest}). */
    record ManifestFrame(Manifest manifest) implements Frame {
        public byte type() {
            return MANIFEST;
        }

        public String describe() {
            return "MANIFEST " + manifest.describe();
        }
    }

    /** Which chunks the sender has: bit i (most significant bit first) is chunk i. */
    record Bitfield(byte[] bits) implements Frame {
        public byte type() {
            return BITFIELD;
        }

        public String describe() {
            return "BITFIELD bits=" + hex(bits);
        }
    }

    /** The sender now has chunk {@code index} (verified). */
    record Have(int index) implements Frame {
        public byte type() {
            return HAVE;
        }

        public String describe() {
            return "HAVE index=" + Integer.toUnsignedString(index);
        }
    }

    /** The sender wants chunks the receiver has. */
    record Interested() implements Frame {
        public byte type() {
            return INTERESTED;
        }

        public String describe() {
            return "INTERESTED";
        }
    }

    /** The sender wants nothing more from the receiver. */
    record NotInterested() implements Frame {
        public byte type() {
            return NOT_INTERESTED;
        }

        public String describe() {
            return "NOT_INTERESTED";
        }
    }

    /** The sender will not answer requests; those pending are dropped. */
    record Choke() implements Frame {
        public byte type() {
            return CHOKE;
        }

        public String describe() {
            return "CHOKE";
        }
    }

    /** The sender will answer requests. */
    record Unchoke() implements Frame {
        public byte type() {
            return UNCHOKE;
        }

        public String describe() {
            return "UNCHOKE";
        }
    }

    /** Asks for {@code length} bytes of chunk {@code index} from {@code offset} in it. */
    record Request(int index, int offset, int length) implements Frame {
        public byte type() {
            return REQUEST;
        }

        public String describe() {
            return "REQUEST index=" + Integer.toUnsignedString(index) + " offset=" + Integer.toUnsignedString(offset)
                    + " length=" + Integer.toUnsignedString(length);
        }
    }

    /**
     * Bytes of chunk {@code index} from {@code offset}: {@code data}'s remaining bytes, which may be
     * a view of a reader's buffer (a heap array, or a direct buffer of the sealed records it read),
     * valid until its next read; nobody moves its position.
     */
    record Piece(int index, int offset, ByteBuffer data) implements Frame {
        public Piece(int index, int offset, byte[] data) {
            this(index, offset, ByteBuffer.wrap(data));
        }

        public Piece(int index, int offset, byte[] data, int dataOffset, int length) {
            this(index, offset, ByteBuffer.wrap(data, dataOffset, length).slice());
        }

        /** Bytes of data. */
        public int length() {
            return data.remaining();
        }

        public byte type() {
            return PIECE;
        }

        public String describe() {
            byte[] bytes = new byte[length()];
            data.get(data.position(), bytes);
            return "PIECE index=" + Integer.toUnsignedString(index) + " offset=" + Integer.toUnsignedString(offset)
                    + " data=" + hex(bytes);
        }
    }

    /** Withdraws a REQUEST (endgame: another peer sent the block first). */
    record Cancel(int index, int offset, int length) implements Frame {
        public byte type() {
            return CANCEL;
        }

        public String describe() {
            return "CANCEL index=" + Integer.toUnsignedString(index) + " offset=" + Integer.toUnsignedString(offset)
                    + " length=" + Integer.toUnsignedString(length);
        }
    }

    /** To a rendezvous: the sender ({@code peerId}) serves these roots on {@code port}; or stops. */
    record Announce(byte[] peerId, int port, AnnounceEvent event, List<byte[]> roots) implements Frame {
        public Announce {
            roots = List.copyOf(roots);
        }

        public byte type() {
            return ANNOUNCE;
        }

        public String describe() {
            return "ANNOUNCE peer=" + hex(peerId) + " port=" + port + " event=" + event.name().toLowerCase(Locale.ROOT)
                    + " roots=[" + String.join(",", roots.stream().map(Frame::hex).toList()) + "]";
        }
    }

    /** To a rendezvous: who has {@code root}? Answered by PEERS. */
    record Lookup(byte[] root) implements Frame {
        public byte type() {
            return LOOKUP;
        }

        public String describe() {
            return "LOOKUP root=" + hex(root);
        }
    }

    /** From a rendezvous: peers that announced {@code root}, each at the address it was seen from. */
    record Peers(byte[] root, List<PeerAddress> peers) implements Frame {
        public Peers {
            peers = List.copyOf(peers);
        }

        public byte type() {
            return PEERS;
        }

        public String describe() {
            return "PEERS root=" + hex(root) + " peers=["
                    + String.join(",", peers.stream().map(PeerAddress::describe).toList()) + "]";
        }
    }

    /** To a rendezvous: have {@code target} and me connect to each other (hole punching). */
    record PunchRequest(byte[] target) implements Frame {
        public byte type() {
            return PUNCH_REQUEST;
        }

        public String describe() {
            return "PUNCH_REQUEST target=" + hex(target);
        }
    }

    /**
     * From a rendezvous, to both sides at once: connect to {@code peer} now; {@code token} names
     * the attempt (and the relay, if it fails); {@code tlsClient} says which side starts TLS.
     */
    record Punch(PeerAddress peer, long token, boolean tlsClient) implements Frame {
        public byte type() {
            return PUNCH;
        }

        public String describe() {
            return "PUNCH " + peer.describe() + " token=" + Long.toUnsignedString(token) + " role="
                    + (tlsClient ? "client" : "server");
        }
    }

    /** To a rendezvous, on a new connection: join me to the other side of attempt {@code token}. */
    record Relay(long token) implements Frame {
        public byte type() {
            return RELAY;
        }

        public String describe() {
            return "RELAY token=" + Long.toUnsignedString(token);
        }
    }

    /** From a rendezvous: both sides are here; from the next byte on, this connection is a pipe to the other. */
    record RelayOk() implements Frame {
        public byte type() {
            return RELAY_OK;
        }

        public String describe() {
            return "RELAY_OK";
        }
    }

    /** What an ANNOUNCE says about its roots. */
    enum AnnounceEvent {
        /** The sender has (all or part of) these roots and serves what it has. */
        STARTED,
        /** The sender has these roots complete. */
        COMPLETED,
        /** The sender no longer serves these roots. */
        STOPPED
    }

    /** A peer as a rendezvous knows it: id and the address its connection came from. */
    record PeerAddress(byte[] peerId, InetAddress address, int port) {
        public String describe() {
            String host = address.getHostAddress();
            return hex(peerId) + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
