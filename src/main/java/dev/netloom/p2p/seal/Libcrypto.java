package dev.netloom.p2p.seal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * OpenSSL's libcrypto (1.1 or 3), bound with JNA's direct mapping: the few EVP calls AES-GCM
 * needs and one-shot SHA-256. Each call costs about a microsecond and runs OpenSSL's assembly
 * (AES-NI/VAES, SHA-NI), so a fresh JVM seals and hashes at the CPU's speed from the first
 * record, where the JDK's Java code reaches that speed only after the JIT has compiled it
 * (seconds of a core, on a 1 GiB download). {@link #AVAILABLE} is false where the library, or
 * JNA's own native part, cannot be loaded; callers then use the JDK.
 *
 * <p>A direct buffer goes to the C code by its address (a slice: from its position). A heap
 * buffer is passed as {@link ByteBuffer#wrap(byte[], int, int)}: JNA copies the array into memory
 * it allocates and hands the C code that from the buffer's position, then copies it back, so
 * {@link RecordCipher} and {@link Sha256} give it direct buffers on the transfer's path. The
 * output and input of one call are always different buffers.
 */
final class Libcrypto {

    /** EVP_CTRL_GCM_GET_TAG, EVP_CTRL_GCM_SET_TAG. */
    static final int GET_TAG = 0x10;
    static final int SET_TAG = 0x11;
    static final boolean AVAILABLE = load();

    private Libcrypto() {
    }

    private static boolean load() {
        if (Boolean.getBoolean("netloom.p2p.jdk-crypto")) {
            return false;
        }
        Throwable last = null;
        // the sonames first: dlopen finds them at once, where the bare name (no libcrypto.so without
        // the -dev package) sends JNA through every directory of its search path first
        for (String name : new String[] {"libcrypto.so.3", "libcrypto.so.1.1", "crypto"}) {
            try {
                Native.register(Libcrypto.class, NativeLibrary.getInstance(name));
                return true;
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                last = e;
            }
        }
        System.getLogger(Libcrypto.class.getName()).log(Level.DEBUG,
                "p2p: libcrypto not loaded ({0}); sealing and hashing with the JDK", String.valueOf(last));
        return false;
    }

    static native Pointer EVP_CIPHER_CTX_new();

    static native void EVP_CIPHER_CTX_free(Pointer ctx);

    static native Pointer EVP_aes_256_gcm();

    static native int EVP_CipherInit_ex(Pointer ctx, Pointer cipher, Pointer engine, byte[] key, byte[] iv, int enc);

    static native int EVP_CipherUpdate(Pointer ctx, ByteBuffer out, int[] outLength, ByteBuffer in, int inLength);

    static native int EVP_CipherFinal_ex(Pointer ctx, byte[] out, int[] outLength);

    static native int EVP_CIPHER_CTX_ctrl(Pointer ctx, int type, int arg, byte[] ptr);

    static native Pointer SHA256(ByteBuffer data, long length, byte[] digest);
}
