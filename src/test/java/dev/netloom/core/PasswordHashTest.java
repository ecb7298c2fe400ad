package dev.netloom.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PBKDF2 password hashes: format, salting, checks, and the round count they carry. */
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

    /**
     * The cost is in the stored count, which the check uses (so raising ITERATIONS keeps old hashes
     * valid, and a hash cannot be made cheaper by editing the file). What a check costs in time is
     * measured by bench/PasswordCost.java, not asserted here.
     */
    @Test
    void theCheckUsesTheStoredRoundCount() {
        String h = PasswordHash.create("pw".toCharArray());
        String cheaper = h.replace("$" + PasswordHash.ITERATIONS + "$", "$1000$");
        assertTrue(PasswordHash.isValid(cheaper));
        assertFalse(PasswordHash.verify("pw".toCharArray(), cheaper), "another count, another hash");
    }
}
