package dev.netloom.p2p.seal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of a chunk in one call: libcrypto's when it loads (SHA-NI or AVX2 from the first
 * byte), else the JDK's {@link MessageDigest}. Both give the same digest; thread-safe.
 */
public final class Sha256 {

    private Sha256() {
    }

    /**
     * The SHA-256 of {@code data}'s remaining bytes, its position unchanged. A direct buffer goes
     * to libcrypto by its address; a heap one is copied in and out by JNA around the call (the
     * download path hashes direct buffers only).
     */
    public static byte[] digest(ByteBuffer data) {
        return digest(data, Libcrypto.AVAILABLE);
    }

    /** As {@link #digest(ByteBuffer)}, choosing the implementation (tests check both). */
    static byte[] digest(ByteBuffer data, boolean useNative) {
        if (useNative) {
            byte[] out = new byte[32];
            // JNA hands the C code a heap buffer's array from the buffer's position (arrayOffset 0 here)
            ByteBuffer at = data.isDirect() ? data.slice()
                    : ByteBuffer.wrap(data.array(), data.arrayOffset() + data.position(), data.remaining());
            Libcrypto.SHA256(at, data.remaining(), out);
            return out;
        }
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(data.duplicate());
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Which implementation {@link #digest(ByteBuffer)} runs: "libcrypto" or "JDK". */
    public static String provider() {
        return Libcrypto.AVAILABLE ? "libcrypto" : "JDK";
    }
}
