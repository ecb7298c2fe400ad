package dev.netloom.chat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/*
 * The join cookie of udp-chat: 8 hex digits, the first 4 bytes of
 * HMAC-SHA256(key, address bytes || port (2 bytes) || window (8 bytes, big-endian)), where the key
 * is 32 random bytes made when the service starts and window = minutes since then. A cookie is
 * accepted in its window and the next, so it is good for 1 to 2 minutes, and only from the
 * address and port it was sent to. Nothing is stored per address until the cookie comes back.
 */

/** Stateless cookies that prove a UDP peer receives what is sent to its address (as QUIC's Retry). */
final class JoinCookie {

    private static final long WINDOW_NANOS = 60_000_000_000L;

    private final SecretKeySpec key;
    private final long startNanos = System.nanoTime();

    JoinCookie() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        key = new SecretKeySpec(k, "HmacSHA256");
    }

    /** The cookie for {@code peer} now. */
    String issue(InetSocketAddress peer) {
        return cookie(peer, window());
    }

    /** Whether {@code cookie} was issued to {@code peer} in this window or the one before. */
    boolean valid(InetSocketAddress peer, String cookie) {
        long w = window();
        return same(cookie, cookie(peer, w)) || (w > 0 && same(cookie, cookie(peer, w - 1)));
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    private long window() {
        return (System.nanoTime() - startNanos) / WINDOW_NANOS;
    }

    private String cookie(InetSocketAddress peer, long window) {
        byte[] ip = peer.getAddress().getAddress();
        ByteBuffer b = ByteBuffer.allocate(ip.length + 10).put(ip).putShort((short) peer.getPort()).putLong(window);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] h = mac.doFinal(b.array());
            return HexFormat.of().formatHex(h, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
