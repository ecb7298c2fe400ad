package dev.netloom.p2p.wire;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/*
 * The manifest's canonical bytes (docs/protocol.md, "Manifest"), big-endian, which MANIFEST
 * carries and the root hash is the SHA-256 of:
 *
 *   u8  kind          0 = one file, 1 = a folder
 *   u16 name length, name (UTF-8, 1..255 bytes, no '/', not "." or "..", no control characters)
 *   u32 chunk size    a power of two, 16 KiB .. 16 MiB
 *   u32 file count    1 for a file; 0.. for a folder
 *   per file:         u16 path length, path (UTF-8; empty for a file; for a folder '/'-separated
 *                     components under the folder, each valid as a name), u64 size
 *   chunk hashes      SHA-256 of each chunk, ceil(total size / chunk size) x 32 bytes, in order:
 *                     the files are one stream, in their order, cut into chunks
 */

/**
 * What a share is: its name, its files and their sizes, the chunk size, every chunk's SHA-256,
 * and the root hash over all of it that a link names. A folder's files are one stream, in their
 * order, cut into chunks (a chunk may span files).
 */
public record Manifest(boolean folder, String name, int chunkSize, List<FileEntry> files, byte[] hashes) {

    public static final int MIN_CHUNK = 16 * 1024;
    public static final int MAX_CHUNK = 16 * 1024 * 1024;
    public static final int DEFAULT_CHUNK = 256 * 1024;
    /** The chunk count a share is kept under by raising its chunk size (so its MANIFEST stays ~2 MiB). */
    public static final int TARGET_CHUNKS = 65_536;
    private static final int MAX_NAME_BYTES = 255;
    private static final int MAX_PATH_BYTES = 4096;

    /** One file of a share: its path under the folder ("" for a one-file share) and size. */
    public record FileEntry(String path, long size) {
    }

    /**
     * Checks everything the format requires.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public Manifest {
        files = List.copyOf(files);
        checkName(name, "name");
        if (Integer.bitCount(chunkSize) != 1 || chunkSize < MIN_CHUNK || chunkSize > MAX_CHUNK) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " is not a power of two from 16 KiB to 16 MiB");
        }
        if (!folder && (files.size() != 1 || !files.getFirst().path().isEmpty())) {
            throw new IllegalArgumentException("a one-file manifest has exactly one entry, with an empty path");
        }
        long total = 0;
        Set<String> seen = new HashSet<>();
        for (FileEntry f : files) {
            if (folder) {
                checkPath(f.path());
                if (!seen.add(f.path())) {
                    throw new IllegalArgumentException("path " + f.path() + " twice");
                }
            }
            if (f.size() < 0 || total + f.size() < total || total + f.size() > (1L << 50)) {
                throw new IllegalArgumentException("file sizes out of range");
            }
            total += f.size();
        }
        long chunks = (total + chunkSize - 1) / chunkSize;
        if (hashes.length != chunks * Frame.ID_LENGTH) {
            throw new IllegalArgumentException("expected " + chunks + " chunk hashes, got " + hashes.length / 32.0);
        }
    }

    /** The chunk size for a share of {@code total} bytes: {@code preferred}, doubled until it has at most {@link #TARGET_CHUNKS} chunks. */
    public static int chunkSizeFor(long total, int preferred) {
        long size = preferred;
        while (size < MAX_CHUNK && (total + size - 1) / size > TARGET_CHUNKS) {
            size *= 2;
        }
        return (int) size;
    }

    /** Total bytes of all files. */
    public long size() {
        long total = 0;
        for (FileEntry f : files) {
            total += f.size();
        }
        return total;
    }

    /** Number of chunks. */
    public int chunks() {
        return hashes.length / Frame.ID_LENGTH;
    }

    /** Length of chunk {@code i}: the chunk size, or less for the last. */
    public int chunkLength(int i) {
        long start = (long) i * chunkSize;
        return (int) Math.min(chunkSize, size() - start);
    }

    /** True when chunk {@code i}'s SHA-256 is {@code digest}. */
    public boolean chunkMatches(int i, byte[] digest) {
        return MessageDigest.isEqual(digest, chunkHash(i));
    }

    /** The SHA-256 of chunk {@code i} (a copy). */
    public byte[] chunkHash(int i) {
        byte[] h = new byte[Frame.ID_LENGTH];
        System.arraycopy(hashes, i * Frame.ID_LENGTH, h, 0, Frame.ID_LENGTH);
        return h;
    }

    /** The canonical bytes (the class comment's layout). */
    public byte[] encode() {
        List<byte[]> paths = new ArrayList<>();
        int length = 1 + 2 + utf8(name).length + 4 + 4 + hashes.length;
        for (FileEntry f : files) {
            byte[] p = utf8(f.path());
            paths.add(p);
            length += 2 + p.length + 8;
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put((byte) (folder ? 1 : 0));
        byte[] n = utf8(name);
        b.putShort((short) n.length).put(n);
        b.putInt(chunkSize).putInt(files.size());
        for (int i = 0; i < files.size(); i++) {
            b.putShort((short) paths.get(i).length).put(paths.get(i)).putLong(files.get(i).size());
        }
        b.put(hashes);
        return b.array();
    }

    /** The root hash: SHA-256 of {@link #encode()}. */
    public byte[] root() {
        return sha256(encode());
    }

    /** The root hash in lower-case hex, as links and the shell show it. */
    public String rootHex() {
        return HexFormat.of().formatHex(root());
    }

    /**
     * Parses canonical bytes.
     *
     * @throws WireException MALFORMED, saying what is wrong
     */
    public static Manifest decode(ByteBuffer b) throws WireException {
        try {
            boolean folder = switch (b.get()) {
                case 0 -> false;
                case 1 -> true;
                default -> throw new WireException(ErrorCode.MALFORMED, "manifest kind is neither 0 nor 1");
            };
            String name = string(b, MAX_NAME_BYTES);
            int chunk = b.getInt();
            int count = b.getInt();
            if (count < 0 || count > b.remaining() / 10) {
                throw new WireException(ErrorCode.MALFORMED, "manifest file count " + Integer.toUnsignedString(count)
                        + " does not fit its frame");
            }
            List<FileEntry> files = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                files.add(new FileEntry(string(b, MAX_PATH_BYTES), b.getLong()));
            }
            byte[] hashes = new byte[b.remaining()];
            b.get(hashes);
            return new Manifest(folder, name, chunk, files, hashes);
        } catch (IllegalArgumentException e) {
            throw new WireException(ErrorCode.MALFORMED, "manifest: " + e.getMessage());
        } catch (BufferUnderflowException e) {
            throw new WireException(ErrorCode.MALFORMED, "manifest is cut short");
        }
    }

    /** One line: kind, name, sizes, chunk count and root. */
    public String describe() {
        StringBuilder s = new StringBuilder(folder ? "folder" : "file").append(" name=\"").append(name)
                .append("\" chunk=").append(chunkSize).append(" files=[");
        for (int i = 0; i < files.size(); i++) {
            s.append(i == 0 ? "" : ",").append('"').append(files.get(i).path()).append("\":").append(files.get(i).size());
        }
        return s.append("] chunks=").append(chunks()).append(" root=").append(rootHex()).toString();
    }

    /** SHA-256 of {@code data}. */
    public static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String string(ByteBuffer b, int max) throws WireException {
        int len = Short.toUnsignedInt(b.getShort());
        if (len > max) {
            throw new WireException(ErrorCode.MALFORMED, "manifest string of " + len + " bytes (at most " + max + ")");
        }
        byte[] s = new byte[len];
        b.get(s);
        return FrameCodec.utf8(s, "manifest");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void checkName(String n, String what) {
        byte[] bytes = utf8(n);
        if (bytes.length == 0 || bytes.length > MAX_NAME_BYTES || n.equals(".") || n.equals("..")) {
            throw new IllegalArgumentException(what + " \"" + n + "\" is empty, \".\", \"..\" or over 255 bytes");
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c == '/' || c == '\\' || c < 0x20 || c == 0x7F) {
                throw new IllegalArgumentException(what + " \"" + n + "\" holds '/', '\\' or a control character");
            }
        }
    }

    private static void checkPath(String path) {
        if (utf8(path).length > MAX_PATH_BYTES) {
            throw new IllegalArgumentException("path over " + MAX_PATH_BYTES + " bytes");
        }
        for (String part : path.split("/", -1)) {
            checkName(part, "path component");
        }
    }
}
