package dev.netloom.p2p.seal;

import com.sun.jna.Pointer;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * AES-256-GCM for one direction of a sealed connection: one key, and a nonce made from each
 * record's sequence number (4 zero bytes, then the number as a u64), so no nonce repeats under
 * a key. {@link #seal} and {@link #open} take the record's header as additional data. Through
 * libcrypto when it loads ({@link Libcrypto}), else through the JDK's {@link Cipher}; the two
 * produce the same bytes. Not thread-safe: a direction has one writer or one reader.
 */
public abstract sealed class RecordCipher permits RecordCipher.Native, RecordCipher.Jdk {

    /** Bytes of the tag after each record's ciphertext. */
    public static final int TAG = 16;
    static final int KEY = 32;
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int NONCE = 12;

    final byte[] nonce = new byte[NONCE];

    RecordCipher() {
    }

    /** A cipher for {@code key} (32 bytes), sealing when {@code encrypt}, else opening; libcrypto's when it loads. */
    public static RecordCipher of(byte[] key, boolean encrypt) {
        return of(key, encrypt, Libcrypto.AVAILABLE);
    }

    /** As {@link #of(byte[], boolean)}, choosing the implementation (tests check that both agree). */
    static RecordCipher of(byte[] key, boolean encrypt, boolean useNative) {
        if (key.length != KEY) {
            throw new IllegalArgumentException("AES-256 takes a 32-byte key, not " + key.length);
        }
        return useNative ? new Native(key, encrypt) : new Jdk(key, encrypt);
    }

    /** Which implementation runs: "libcrypto" or "JDK". */
    public abstract String provider();

    /**
     * Encrypts {@code src}'s remaining bytes into {@code dst} from its position and appends the
     * tag: {@code src.remaining() + TAG} bytes. {@code src}'s position ends at its limit,
     * {@code dst}'s after the tag. With libcrypto, direct buffers are worked on where they are
     * (others are copied through this cipher's own).
     */
    public abstract void seal(long sequence, byte[] header, ByteBuffer src, ByteBuffer dst)
            throws GeneralSecurityException;

    /**
     * Checks and decrypts {@code src}'s remaining bytes (ciphertext, then the tag) into {@code dst}
     * from its position: {@code src.remaining() - TAG} bytes. {@code src}'s position ends at its
     * limit, {@code dst}'s after the plaintext. With libcrypto, direct buffers are worked on where
     * they are (others are copied through this cipher's own); a direct {@code dst} may then hold
     * bytes of a record whose tag failed, past its position, which is left where it was.
     *
     * @throws AEADBadTagException when the tag does not match: the record was changed, or is not this key's
     */
    public abstract void open(long sequence, byte[] header, ByteBuffer src, ByteBuffer dst)
            throws GeneralSecurityException;

    final void nonce(long sequence) {
        ByteBuffer.wrap(nonce).putInt(0).putLong(sequence);
    }

    /**
     * libcrypto's EVP interface: the key schedule is made once; each record sets only the nonce.
     * libcrypto is only ever given direct buffers, whose addresses JNA hands it: a heap array
     * passed to JNA is copied in and back out around every call, into memory it allocates each time
     * (four copies of a 256 KiB record and two allocations). The caller's direct buffers are worked
     * on where they are; a heap one goes through a direct buffer of this cipher's own.
     */
    static final class Native extends RecordCipher {

        private final Pointer ctx;
        private final int[] outLength = new int[1];
        private final byte[] tag = new byte[TAG];
        private final byte[] last = new byte[TAG];
        // for heap buffers: libcrypto is given only direct ones
        private ByteBuffer input = ByteBuffer.allocateDirect(16 * 1024);
        private ByteBuffer output = ByteBuffer.allocateDirect(16 * 1024);

        Native(byte[] key, boolean encrypt) {
            ctx = Libcrypto.EVP_CIPHER_CTX_new();
            if (ctx == null) {
                throw new IllegalStateException("libcrypto: no memory for a cipher context");
            }
            // freed once this cipher is unreachable, so never under a thread still using it
            Pointer free = ctx;
            CLEANER.register(this, () -> Libcrypto.EVP_CIPHER_CTX_free(free));
            if (Libcrypto.EVP_CipherInit_ex(ctx, Libcrypto.EVP_aes_256_gcm(), null, key, null, encrypt ? 1 : 0) != 1) {
                throw new IllegalStateException("libcrypto: cannot set up AES-256-GCM");
            }
        }

        @Override
        public String provider() {
            return "libcrypto";
        }

        @Override
        public void seal(long sequence, byte[] header, ByteBuffer src, ByteBuffer dst) throws GeneralSecurityException {
            int length = src.remaining();
            if (dst.remaining() < length + TAG) {
                throw new GeneralSecurityException("no room for a record of " + (length + TAG) + " bytes");
            }
            start(sequence, header);
            boolean inPlace = crypt(src, length, dst, "encrypt");
            check(Libcrypto.EVP_CipherFinal_ex(ctx, last, outLength), "finish");
            check(Libcrypto.EVP_CIPHER_CTX_ctrl(ctx, Libcrypto.GET_TAG, TAG, tag), "tag");
            if (!inPlace) {
                dst.put(dst.position(), output, 0, length);
            }
            src.position(src.limit());
            dst.position(dst.position() + length).put(tag);
        }

        @Override
        public void open(long sequence, byte[] header, ByteBuffer src, ByteBuffer dst) throws GeneralSecurityException {
            int length = src.remaining();
            if (length < TAG) {
                throw new AEADBadTagException("a record of " + length + " bytes has no room for its tag");
            }
            int plain = length - TAG;
            if (dst.remaining() < plain) {
                throw new GeneralSecurityException("no room for " + plain + " bytes of plaintext");
            }
            start(sequence, header);
            src.get(src.position() + plain, tag);
            boolean inPlace = crypt(src, plain, dst, "decrypt");
            check(Libcrypto.EVP_CIPHER_CTX_ctrl(ctx, Libcrypto.SET_TAG, TAG, tag), "tag");
            if (Libcrypto.EVP_CipherFinal_ex(ctx, last, outLength) != 1) {
                throw new AEADBadTagException("the record's tag does not match");
            }
            if (!inPlace) {
                dst.put(dst.position(), output, 0, plain); // only once the tag matched
            }
            src.position(src.limit());
            dst.position(dst.position() + plain);
        }

        private void start(long sequence, byte[] header) throws GeneralSecurityException {
            nonce(sequence);
            check(Libcrypto.EVP_CipherInit_ex(ctx, null, null, null, nonce, -1), "nonce");
            check(Libcrypto.EVP_CipherUpdate(ctx, null, outLength, ByteBuffer.wrap(header), header.length), "header");
        }

        /**
         * Runs {@code length} bytes from {@code src}'s position through the cipher, into {@code dst}
         * at its position when it is direct (true), else into this cipher's output buffer (false);
         * a heap {@code src} is first copied into this cipher's input buffer. Positions are unchanged.
         */
        private boolean crypt(ByteBuffer src, int length, ByteBuffer dst, String step) throws GeneralSecurityException {
            ByteBuffer from = src.isDirect() ? src.slice(src.position(), length) : null;
            ByteBuffer to = dst.isDirect() ? dst.slice(dst.position(), length) : null;
            if (from == null || to == null) {
                room(length);
            }
            if (from == null) {
                input.put(0, src, src.position(), length);
                from = input;
            }
            check(Libcrypto.EVP_CipherUpdate(ctx, to == null ? output : to, outLength, from, length), step);
            return to != null;
        }

        /** Grows this cipher's buffers to hold {@code length} bytes. */
        private void room(int length) {
            if (input.capacity() < length) {
                int size = Math.max(length, Math.min(SealedOutputStream.MAX_RECORD, input.capacity() * 2));
                input = ByteBuffer.allocateDirect(size);
                output = ByteBuffer.allocateDirect(size);
            }
        }

        private static void check(int result, String step) throws GeneralSecurityException {
            if (result != 1) {
                throw new GeneralSecurityException("libcrypto: AES-256-GCM " + step + " failed");
            }
        }
    }

    /** The JDK's AES/GCM/NoPadding, initialised once per record with that record's nonce. */
    static final class Jdk extends RecordCipher {

        private final SecretKeySpec key;
        private final int mode;
        private final Cipher cipher;

        Jdk(byte[] key, boolean encrypt) {
            this.key = new SecretKeySpec(key, "AES");
            this.mode = encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
            try {
                this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK has no AES/GCM/NoPadding", e);
            }
        }

        @Override
        public String provider() {
            return "JDK";
        }

        @Override
        public void seal(long sequence, byte[] header, ByteBuffer src, ByteBuffer dst) throws GeneralSecurityException {
            start(sequence, header);
            cipher.doFinal(src, dst);
        }

        @Override
        public void open(long sequence, byte[] header, ByteBuffer src, ByteBuffer dst) throws GeneralSecurityException {
            if (src.remaining() < TAG) {
                throw new AEADBadTagException("a record of " + src.remaining() + " bytes has no room for its tag");
            }
            start(sequence, header);
            cipher.doFinal(src, dst);
        }

        private void start(long sequence, byte[] header) throws GeneralSecurityException {
            nonce(sequence);
            cipher.init(mode, key, new GCMParameterSpec(TAG * 8, nonce));
            cipher.updateAAD(header);
        }
    }
}
