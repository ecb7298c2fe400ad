package dev.netloom.core;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pattern keys: a {@code *} segment in a key name stands for a part the user chooses. */
class PatternKeyTest {

    private static final Key<String> PASSWORD = Key.string("user.*.password", null, "a user's password");
    private static final Key<Boolean> WRITE = Key.bool("user.*.write", false, "may write");
    private static final List<Key<?>> KEYS = List.of(TcpConfig.PORT, PASSWORD, WRITE);

    private static Settings resolve(Map<String, String> file, Map<String, String> overrides) {
        return Settings.resolve("svc", KEYS, file, overrides, Path.of(""));
    }

    @Test
    void namesThatFitArePartsWithTheirValues() {
        Settings s = resolve(Map.of("user.alice.password", "a", "user.bob.password", "b", "user.bob.write", "yes"),
                Map.of("user.carol.write", "true"));
        assertEquals(List.of("alice", "bob"), s.parts(PASSWORD).stream().sorted().toList());
        assertEquals("b", s.get(PASSWORD, "bob"));
        assertEquals(true, s.get(WRITE, "bob"));
        assertEquals(false, s.get(WRITE, "alice"), "the pattern's default");
        assertNull(s.get(PASSWORD, "carol"));
        assertEquals(List.of("carol"), s.parts(WRITE).stream().filter(p -> p.equals("carol")).toList());
        assertTrue(s.entries().stream().anyMatch(e -> e.key().name().equals("user.carol.write")
                && e.source() == Settings.Source.OVERRIDE));
    }

    @Test
    void valuesAreParsedAndUnknownNamesRefusedAsForStaticKeys() {
        ConfigException bad = assertThrows(ConfigException.class, () -> resolve(Map.of("user.bob.write", "maybe"), Map.of()));
        assertTrue(bad.getMessage().startsWith("svc.user.bob.write: 'maybe' is not valid: expected true or false"),
                bad.getMessage());
        for (String name : List.of("user.password", "user.a.b.password", "user..password", "user.bo b.password", "users.x.password")) {
            ConfigException e = assertThrows(ConfigException.class, () -> resolve(Map.of(name, "x"), Map.of()), name);
            assertTrue(e.getMessage().contains("unknown key; svc has port, user.*.password, user.*.write"), e.getMessage());
        }
    }

    @Test
    void partOfAndForPart() {
        assertEquals("alice", PASSWORD.partOf("user.alice.password"));
        assertNull(PASSWORD.partOf("user.alice.home"));
        assertNull(TcpConfig.PORT.partOf("port"));
        assertEquals("user.x-1.password", PASSWORD.forPart("x-1").name());
        assertThrows(IllegalArgumentException.class, () -> PASSWORD.forPart("a.b"));
        assertThrows(IllegalArgumentException.class, () -> Key.string("a.*.*", null, ""));
        assertThrows(IllegalArgumentException.class, () -> Key.string("a*b", null, ""));
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), Map.of()).get(Key.string("x.*", null, ""), "a"));
    }
}
