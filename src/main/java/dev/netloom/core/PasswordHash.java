/*
 * Format of a stored password hash (the value of ftp.user.NAME.password and smtp.user.NAME.password):
 *
 *     pbkdf2-sha256$ITERATIONS$SALT$HASH
 *
 * ITERATIONS is a decimal count of PBKDF2-HMAC-SHA256 rounds, SALT the 16 random salt bytes and
 * HASH the 32 derived bytes, both in standard Base64 without line breaks.
 */
package dev.netloom.core;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Salted, deliberately slow password hashes for FTP and SMTP users: PBKDF2 with HMAC-SHA256, so that a
 * leaked config file does not give the passwords away cheaply. {@link #ITERATIONS} is chosen so
 * that one hash costs well over 22 ms on a current machine (measured by bench/PasswordCost.java);
 * checks compare in constant time. Hashing runs on the caller's thread, which for the server is
 * the connection's virtual thread.
 */
public final class PasswordHash {

    /**
     * Rounds for new hashes: 120,000 cost 30 ms a check here (bench/PasswordCost.java, run at the
     * end of bench/ftp.sh), above the 22 ms of vsftpd's crypt check that issue 8 sets as the floor. Stored hashes carry their own
     * count, so raising it breaks none.
     */
    public static final int ITERATIONS = 120_000;
    private static final String PREFIX = "pbkdf2-sha256";
    private static final Pattern FORMAT = Pattern.compile("pbkdf2-sha256\\$(\\d{1,9})\\$([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+)");
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHash() {
    }

    /** A new hash of {@code password} with a fresh random salt, in the format above; an empty password is refused. */
    public static String create(char[] password) {
        if (password.length == 0) {
            throw new IllegalArgumentException("the password is empty");
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] hash = derive(password, salt, ITERATIONS, 32);
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + "$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /** True when {@code text} has the format above (what a config value must look like). */
    public static boolean isValid(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches() || Integer.parseInt(m.group(1)) < 1) {
            return false;
        }
        try {
            Base64.getDecoder().decode(m.group(2));
            return Base64.getDecoder().decode(m.group(3)).length > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** True when {@code password} matches {@code stored}; false also when {@code stored} is malformed. */
    public static boolean verify(char[] password, String stored) {
        if (!isValid(stored) || password.length == 0) {
            return false;
        }
        Matcher m = FORMAT.matcher(stored);
        m.matches();
        byte[] salt = Base64.getDecoder().decode(m.group(2));
        byte[] expected = Base64.getDecoder().decode(m.group(3));
        byte[] actual = derive(password, salt, Integer.parseInt(m.group(1)), expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /**
     * The accounts a service's config lists: each name of {@code users} with its hash from the
     * pattern key {@code password} ({@code user.NAME.password}), in the listed order.
     *
     * @throws IllegalArgumentException (a config error) when a listed user has no hash, or a hash
     *                                  is set for a user not listed; {@code command} names the
     *                                  command that prints hashes, for the message
     */
    public static Map<String, String> users(Settings s, Key<List<String>> users, Key<String> password, String command) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String name : s.get(users)) {
            String hash = s.get(password, name);
            if (hash == null) {
                throw new IllegalArgumentException("user " + name + " has no " + password.forPart(name).name()
                        + " (make one with netloom " + command + ")");
            }
            found.put(name, hash);
        }
        for (String name : s.parts(password)) {
            if (!found.containsKey(name)) {
                throw new IllegalArgumentException("user." + name + ".password is set but " + name + " is not in users");
            }
        }
        return found;
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }
}
