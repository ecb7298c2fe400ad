package dev.netloom.p2p.wire;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/*
 * Frames on the wire (docs/protocol.md, "Framing" and "Messages"), all integers big-endian:
 *
 *   u32 length   bytes after this field: the type byte and the payload, 1 .. MAX_FRAME
 *   u8  type
 *   payload      as the type says:
 *
 *   HELLO          u32 magic "NLP2", u8 min version, u8 max version, peer id[32], root[32], u16 listen port
 *   ERROR          u16 code, message (UTF-8, at most 1024 bytes)
 *   PING, PONG     u64 nonce
 *   SEAL           secret[32] (version 2)
 *   MANIFEST       the manifest's canonical bytes (Manifest)
 *   BITFIELD       bits, most significant first, ceil(chunks / 8) bytes
 *   HAVE           u32 index
 *   REQUEST,CANCEL u32 index, u32 offset, u32 length (1 .. MAX_BLOCK)
 *   PIECE          u32 index, u32 offset, data (1 .. MAX_BLOCK bytes)
 *   ANNOUNCE       peer id[32], u16 port, u8 event (0 started, 1 completed, 2 stopped), u16 count, roots[32 each]
 *   LOOKUP         root[32]
 *   PEERS          root[32], u16 count, peer entries
 *   PUNCH_REQUEST  peer id[32]
 *   PUNCH          peer entry, u64 token, u8 role (0 TLS server, 1 TLS client)
 *   RELAY          u64 token
 *   GET_MANIFEST, INTERESTED, NOT_INTERESTED, CHOKE, UNCHOKE, RELAY_OK: empty
 *
 *   peer entry     peer id[32], u8 family (4 or 6), address (4 or 16 bytes), u16 port
 */

/**
 * Encodes and decodes frames (the layout above). Decoding checks every length and field and
 * throws a {@link WireException} with the code the specification gives; it never reads past the
 * payload it is handed.
 */
public final class FrameCodec {

    /** The most a length prefix may say: 4 MiB (a PIECE of the largest block, a MANIFEST of 65,536 chunks). */
    public static final int MAX_FRAME = 4 * 1024 * 1024;
    /** The most bytes one REQUEST may ask for and one PIECE carry: 1 MiB. */
    public static final int MAX_BLOCK = 1024 * 1024;
    /** The most bytes of an ERROR's message. */
    public static final int MAX_MESSAGE = 1024;
    /** Bytes of a PIECE frame before its data: length, type, index, offset. */
    public static final int PIECE_HEADER = 4 + 1 + 4 + 4;
    private static final int ID = Frame.ID_LENGTH;
    private static final int MAX_ROOTS = 4096;

    private FrameCodec() {
    }

    /** The whole frame, length prefix included. */
    public static byte[] encode(Frame f) {
        byte[] payload = payload(f);
        ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
        b.putInt(1 + payload.length).put(f.type()).put(payload);
        return b.array();
    }

    /** The frame's payload: what follows its type byte. */
    public static byte[] payload(Frame f) {
        return switch (f) {
            case Frame.Hello h -> ByteBuffer.allocate(4 + 2 + ID + ID + 2).putInt(Frame.MAGIC)
                    .put((byte) h.minVersion()).put((byte) h.maxVersion()).put(h.peerId()).put(h.root())
                    .putShort((short) h.listenPort()).array();
            case Frame.ErrorFrame e -> {
                byte[] m = truncate(e.message());
                yield ByteBuffer.allocate(2 + m.length).putShort((short) e.code()).put(m).array();
            }
            case Frame.Ping p -> ByteBuffer.allocate(8).putLong(p.nonce()).array();
            case Frame.Pong p -> ByteBuffer.allocate(8).putLong(p.nonce()).array();
            case Frame.Seal x -> x.secret().clone();
            case Frame.ManifestFrame m -> m.manifest().encode();
            case Frame.Bitfield b -> b.bits().clone();
            case Frame.Have h -> ByteBuffer.allocate(4).putInt(h.index()).array();
            case Frame.Request r -> ByteBuffer.allocate(12).putInt(r.index()).putInt(r.offset()).putInt(r.length()).array();
            case Frame.Cancel c -> ByteBuffer.allocate(12).putInt(c.index()).putInt(c.offset()).putInt(c.length()).array();
            case Frame.Piece p -> ByteBuffer.allocate(8 + p.length()).putInt(p.index()).putInt(p.offset())
                    .put(p.data().duplicate()).array();
            case Frame.Announce a -> {
                ByteBuffer b = ByteBuffer.allocate(ID + 2 + 1 + 2 + ID * a.roots().size());
                b.put(a.peerId()).putShort((short) a.port()).put((byte) a.event().ordinal())
                        .putShort((short) a.roots().size());
                a.roots().forEach(b::put);
                yield b.array();
            }
            case Frame.Lookup l -> l.root().clone();
            case Frame.Peers p -> {
                ByteBuffer b = ByteBuffer.allocate(ID + 2 + p.peers().size() * (ID + 1 + 16 + 2));
                b.put(p.root()).putShort((short) p.peers().size());
                p.peers().forEach(e -> putPeer(b, e));
                yield trim(b);
            }
            case Frame.PunchRequest r -> r.target().clone();
            case Frame.Punch p -> {
                ByteBuffer b = ByteBuffer.allocate(ID + 1 + 16 + 2 + 8 + 1);
                putPeer(b, p.peer());
                b.putLong(p.token()).put((byte) (p.tlsClient() ? 1 : 0));
                yield trim(b);
            }
            case Frame.Relay r -> ByteBuffer.allocate(8).putLong(r.token()).array();
            case Frame.GetManifest g -> new byte[0];
            case Frame.Interested i -> new byte[0];
            case Frame.NotInterested n -> new byte[0];
            case Frame.Choke c -> new byte[0];
            case Frame.Unchoke u -> new byte[0];
            case Frame.RelayOk r -> new byte[0];
        };
    }

    /**
     * Decodes the payload of a frame of {@code type}: {@code payload}'s remaining bytes, all of
     * them. A PIECE's data stays in {@code payload}'s array (no copy).
     *
     * @throws WireException UNKNOWN_TYPE, MALFORMED, BAD_REQUEST or UNSUPPORTED_VERSION as the specification says
     */
    public static Frame decode(byte type, ByteBuffer payload) throws WireException {
        int start = payload.position();
        try {
            Frame f = decodeBody(type, payload);
            if (payload.hasRemaining() && type != Frame.PIECE) {
                throw new WireException(ErrorCode.MALFORMED, Frame.typeName(type) + " has " + payload.remaining()
                        + " bytes more than its layout (" + (payload.limit() - start) + " in all)");
            }
            return f;
        } catch (BufferUnderflowException e) {
            throw new WireException(ErrorCode.MALFORMED, Frame.typeName(type) + " is cut short ("
                    + (payload.limit() - start) + " bytes of payload)");
        }
    }

    private static Frame decodeBody(byte type, ByteBuffer b) throws WireException {
        return switch (type) {
            case Frame.HELLO -> {
                if (b.remaining() < 4 || b.getInt() != Frame.MAGIC) {
                    throw new WireException(ErrorCode.UNSUPPORTED_VERSION, "not a netloom peer: HELLO without the magic NLP2");
                }
                int min = Byte.toUnsignedInt(b.get());
                int max = Byte.toUnsignedInt(b.get());
                if (min == 0 || min > max) {
                    throw new WireException(ErrorCode.MALFORMED, "HELLO offers versions " + min + ".." + max);
                }
                yield new Frame.Hello(min, max, id(b), id(b), Short.toUnsignedInt(b.getShort()));
            }
            case Frame.ERROR -> {
                int code = Short.toUnsignedInt(b.getShort());
                if (b.remaining() > MAX_MESSAGE) {
                    throw new WireException(ErrorCode.MALFORMED, "ERROR message over " + MAX_MESSAGE + " bytes");
                }
                byte[] m = new byte[b.remaining()];
                b.get(m);
                yield new Frame.ErrorFrame(code, utf8(m, "ERROR message"));
            }
            case Frame.PING -> new Frame.Ping(b.getLong());
            case Frame.PONG -> new Frame.Pong(b.getLong());
            case Frame.SEAL -> new Frame.Seal(id(b));
            case Frame.GET_MANIFEST -> new Frame.GetManifest();
            case Frame.MANIFEST -> new Frame.ManifestFrame(Manifest.decode(b));
            case Frame.BITFIELD -> {
                byte[] bits = new byte[b.remaining()];
                b.get(bits);
                yield new Frame.Bitfield(bits);
            }
            case Frame.HAVE -> new Frame.Have(b.getInt());
            case Frame.INTERESTED -> new Frame.Interested();
            case Frame.NOT_INTERESTED -> new Frame.NotInterested();
            case Frame.CHOKE -> new Frame.Choke();
            case Frame.UNCHOKE -> new Frame.Unchoke();
            case Frame.REQUEST -> new Frame.Request(b.getInt(), b.getInt(), blockLength(b.getInt(), "REQUEST"));
            case Frame.CANCEL -> new Frame.Cancel(b.getInt(), b.getInt(), blockLength(b.getInt(), "CANCEL"));
            case Frame.PIECE -> {
                int index = b.getInt();
                int offset = b.getInt();
                int length = b.remaining();
                if (length == 0 || length > MAX_BLOCK) {
                    throw new WireException(ErrorCode.MALFORMED, "PIECE of " + length + " bytes (1 to " + MAX_BLOCK + ")");
                }
                Frame.Piece p = new Frame.Piece(index, offset, b.slice(b.position(), length));
                b.position(b.limit());
                yield p;
            }
            case Frame.ANNOUNCE -> {
                byte[] peer = id(b);
                int port = Short.toUnsignedInt(b.getShort());
                int event = Byte.toUnsignedInt(b.get());
                if (event >= Frame.AnnounceEvent.values().length) {
                    throw new WireException(ErrorCode.MALFORMED, "ANNOUNCE event " + event + " (0, 1 or 2)");
                }
                int count = Short.toUnsignedInt(b.getShort());
                if (count > MAX_ROOTS) {
                    throw new WireException(ErrorCode.MALFORMED, "ANNOUNCE of " + count + " roots (at most " + MAX_ROOTS + ")");
                }
                List<byte[]> roots = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    roots.add(id(b));
                }
                yield new Frame.Announce(peer, port, Frame.AnnounceEvent.values()[event], roots);
            }
            case Frame.LOOKUP -> new Frame.Lookup(id(b));
            case Frame.PEERS -> {
                byte[] root = id(b);
                int count = Short.toUnsignedInt(b.getShort());
                List<Frame.PeerAddress> peers = new ArrayList<>(Math.min(count, 1024));
                for (int i = 0; i < count; i++) {
                    peers.add(peer(b));
                }
                yield new Frame.Peers(root, peers);
            }
            case Frame.PUNCH_REQUEST -> new Frame.PunchRequest(id(b));
            case Frame.PUNCH -> {
                Frame.PeerAddress peer = peer(b);
                long token = b.getLong();
                int role = Byte.toUnsignedInt(b.get());
                if (role > 1) {
                    throw new WireException(ErrorCode.MALFORMED, "PUNCH role " + role + " (0 or 1)");
                }
                yield new Frame.Punch(peer, token, role == 1);
            }
            case Frame.RELAY -> new Frame.Relay(b.getLong());
            case Frame.RELAY_OK -> new Frame.RelayOk();
            default -> throw new WireException(ErrorCode.UNKNOWN_TYPE, "unknown frame type " + Frame.typeName(type));
        };
    }

    /** Strict UTF-8: a malformed sequence is MALFORMED, naming {@code what}. */
    static String utf8(byte[] bytes, String what) throws WireException {
        try {
            CharBuffer c = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return c.toString();
        } catch (CharacterCodingException e) {
            throw new WireException(ErrorCode.MALFORMED, what + " is not UTF-8");
        }
    }

    private static int blockLength(int length, String type) throws WireException {
        if (length <= 0 || length > MAX_BLOCK) {
            throw new WireException(ErrorCode.BAD_REQUEST, type + " of " + Integer.toUnsignedString(length)
                    + " bytes (1 to " + MAX_BLOCK + ")");
        }
        return length;
    }

    private static byte[] id(ByteBuffer b) {
        byte[] id = new byte[ID];
        b.get(id);
        return id;
    }

    private static Frame.PeerAddress peer(ByteBuffer b) throws WireException {
        byte[] id = id(b);
        int family = Byte.toUnsignedInt(b.get());
        byte[] addr = switch (family) {
            case 4 -> new byte[4];
            case 6 -> new byte[16];
            default -> throw new WireException(ErrorCode.MALFORMED, "address family " + family + " (4 or 6)");
        };
        b.get(addr);
        try {
            return new Frame.PeerAddress(id, InetAddress.getByAddress(addr), Short.toUnsignedInt(b.getShort()));
        } catch (UnknownHostException e) {
            throw new WireException(ErrorCode.MALFORMED, "address: " + e.getMessage()); // only for a bad length
        }
    }

    private static void putPeer(ByteBuffer b, Frame.PeerAddress p) {
        byte[] addr = p.address().getAddress();
        b.put(p.peerId()).put((byte) (addr.length == 4 ? 4 : 6)).put(addr).putShort((short) p.port());
    }

    private static byte[] trim(ByteBuffer b) {
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static byte[] truncate(String message) {
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        if (m.length <= MAX_MESSAGE) {
            return m;
        }
        int end = MAX_MESSAGE;
        while (end > 0 && (m[end] & 0xC0) == 0x80) {
            end--; // not in the middle of a character
        }
        byte[] cut = new byte[end];
        System.arraycopy(m, 0, cut, 0, end);
        return cut;
    }
}
