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

    /** The SHA-256 of {@code length} bytes of {@code data} at {@code off}. */
    public static byte[] digest(byte[] data, int off, int length) {
        return digest(data, off, length, Libcrypto.AVAILABLE);
    }

    /**
     * The SHA-256 of {@code data}'s remaining bytes, its position unchanged. A direct buffer goes
     * to libcrypto by its address; a heap array given to JNA would be copied in and out around the
     * call (so {@link #digest(byte[], int, int)} costs two copies of its bytes more).
     */
    public static byte[] digest(ByteBuffer data) {
        return digest(data, Libcrypto.AVAILABLE);
    }

    /** As {@link #digest(ByteBuffer)}, choosing the implementation (tests check both). */
    static byte[] digest(ByteBuffer data, boolean useNative) {
        if (useNative && data.isDirect()) {
            byte[] out = new byte[32];
            Libcrypto.SHA256(data.slice(), data.remaining(), out);
            return out;
        }
        if (useNative && data.hasArray()) {
            return digest(data.array(), data.arrayOffset() + data.position(), data.remaining(), true);
        }
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(data.duplicate());
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** As {@link #digest(byte[], int, int)}, choosing the implementation (tests check both). */
    static byte[] digest(byte[] data, int off, int length, boolean useNative) {
        byte[] out = new byte[32];
        if (useNative) {
            Libcrypto.SHA256(ByteBuffer.wrap(data, off, length), length, out);
            return out;
        }
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(data, off, length);
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Which implementation {@link #digest(byte[], int, int)} runs: "libcrypto" or "JDK". */
    public static String provider() {
        return Libcrypto.AVAILABLE ? "libcrypto" : "JDK";
    }
}
