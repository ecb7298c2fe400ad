package dev.netloom.admin;

import dev.netloom.core.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Bearer tokens of the admin listener: the configured one, or one generated (32 random bytes,
 * base64url) at the first start that needs it into {@code admin.token} in the netloom home, mode
 * 600, and read from there at later starts, so a script can {@code cat} it. Compared in constant time.
 */
final class AdminToken {

    private static final SecureRandom RANDOM = new SecureRandom();

    private AdminToken() {
    }

    /** {@code configured} when it is set, else the token file's, made when missing. */
    static String resolve(String configured, Path home) throws IOException {
        if (!configured.isEmpty()) {
            return configured;
        }
        Path file = home.resolve(AdminConfig.TOKEN_FILE);
        if (Files.isRegularFile(file)) {
            String t = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (t.length() >= 16) {
                PrivateFiles.secure(file);
                return t;
            }
        }
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String t = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        PrivateFiles.write(file, (t + "\n").getBytes(StandardCharsets.US_ASCII));
        return t;
    }

    /** True when {@code authorization} is {@code Bearer TOKEN} with {@code token}; null or empty {@code token} means none needed. */
    static boolean accepts(String token, String authorization) {
        if (token == null || token.isEmpty()) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
    }
}
