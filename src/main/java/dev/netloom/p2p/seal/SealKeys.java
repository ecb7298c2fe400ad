package dev.netloom.p2p.seal;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * The two keys of a sealed connection (docs/protocol.md, "Sealed records"), by HKDF-SHA256
 * (RFC 5869): extract with the salt {@code "netloom p2p seal v2"} from the dialler's SEAL secret
 * followed by the listener's, then expand one 32-byte block for each direction with the info
 * {@code "dialler to listener"} or {@code "listener to dialler"} followed by the dialler's and
 * the listener's peer ids. The secrets travel inside TLS between peers whose keys it proved, so
 * only the two of them can know the keys.
 */
public record SealKeys(byte[] diallerToListener, byte[] listenerToDialler) {

    static final String SALT = "netloom p2p seal v2";

    /** The keys from both SEAL secrets and both peer ids (each 32 bytes). */
    public static SealKeys derive(byte[] diallerSecret, byte[] listenerSecret, byte[] diallerId, byte[] listenerId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SALT.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
            mac.update(diallerSecret);
            byte[] prk = mac.doFinal(listenerSecret);
            return new SealKeys(expand(mac, prk, "dialler to listener", diallerId, listenerId),
                    expand(mac, prk, "listener to dialler", diallerId, listenerId));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    private static byte[] expand(Mac mac, byte[] prk, String label, byte[] diallerId, byte[] listenerId)
            throws GeneralSecurityException {
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update(label.getBytes(StandardCharsets.US_ASCII));
        mac.update(diallerId);
        mac.update(listenerId);
        mac.update((byte) 1);
        return mac.doFinal();
    }

    /** The key this side writes with: the dialler's own direction when it dialled. */
    public byte[] writeKey(boolean dialler) {
        return dialler ? diallerToListener : listenerToDialler;
    }

    /** The key this side reads with. */
    public byte[] readKey(boolean dialler) {
        return dialler ? listenerToDialler : diallerToListener;
    }
}
