package dev.netloom.ftp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PBKDF2 password hashes: format, salting, checks, and that one check stays slow enough. */
class PasswordHashTest {

    @Test
    void aHashVerifiesItsPasswordOnly() {
        String h = PasswordHash.create("s3cret".toCharArray());
        assertTrue(h.startsWith("pbkdf2-sha256$" + PasswordHash.ITERATIONS + "$"), h);
        assertTrue(PasswordHash.isValid(h));
        assertTrue(PasswordHash.verify("s3cret".toCharArray(), h));
        assertFalse(PasswordHash.verify("s3cret ".toCharArray(), h));
        assertFalse(PasswordHash.verify("".toCharArray(), h));
        assertNotEquals(h, PasswordHash.create("s3cret".toCharArray()), "salted");
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.create(new char[0]));
    }

    @Test
    void malformedHashesNeverVerify() {
        for (String bad : new String[] {"", "s3cret", "pbkdf2-sha256$0$AAAA$AAAA", "pbkdf2-sha256$10$!!$AAAA",
                "pbkdf2-sha1$10$AAAA$AAAA", "pbkdf2-sha256$10$AAAA$"}) {
            assertFalse(PasswordHash.isValid(bad), bad);
            assertFalse(PasswordHash.verify("s3cret".toCharArray(), bad), bad);
        }
    }

    /** A sanity bound on the cost that guards logins against guessing, not a speed test of the server. */
    @Test
    void oneCheckCostsAtLeast22Milliseconds() {
        String h = PasswordHash.create("pw".toCharArray());
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            PasswordHash.verify("pw".toCharArray(), h);
            best = Math.min(best, System.nanoTime() - start);
        }
        assertTrue(best >= 22_000_000L, "one check took " + best / 1_000_000 + " ms");
    }
}
