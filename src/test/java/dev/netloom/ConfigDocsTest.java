package dev.netloom;

import dev.netloom.core.ConfigFile;
import dev.netloom.core.Key;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/configuration.md and netloom.properties say what the Key definitions say: each file is
 * exactly what {@link ConfigDocs} makes of it (else: run {@code make docs}), every key of every
 * service is in both, and the properties file still loads to the defaults.
 */
class ConfigDocsTest {

    private final List<ServiceType> types = Catalogue.all();

    @Test
    void theConfigurationPageIsWhatTheKeysGenerate() throws IOException {
        String page = read(ConfigDocs.MARKDOWN);
        assertEquals(ConfigDocs.markdown(page, types), page,
                ConfigDocs.MARKDOWN + " differs from the Key definitions: run `make docs` and commit the result");
    }

    @Test
    void theDefaultPropertiesFileIsWhatTheKeysGenerate() throws IOException {
        String file = read(ConfigDocs.PROPERTIES);
        assertEquals(ConfigDocs.properties(file, types), file,
                ConfigDocs.PROPERTIES + " differs from the Key definitions: run `make docs` and commit the result");
    }

    @Test
    void everyKeyOfEveryServiceIsInBothFiles() throws IOException {
        String page = read(ConfigDocs.MARKDOWN);
        String file = read(ConfigDocs.PROPERTIES);
        for (ServiceType t : types) {
            for (Key<?> k : t.keys()) {
                String full = t.name() + "." + k.name();
                assertTrue(file.contains("\n#" + full + "=" + ConfigDocs.defaultText(k) + "\n"), full);
                assertTrue(page.contains("| `" + full + "` |") || page.contains("| `" + k.name() + "` |"), full);
            }
        }
        assertTrue(page.contains("| `ftp.user.*.password` |"), "a pattern key is listed with its *");
    }

    @Test
    void theDefaultPropertiesFileLoadsToEveryDefault() {
        ConfigFile config = ConfigFile.load(ConfigDocs.PROPERTIES, true, types);
        for (ServiceType t : types) {
            assertEquals(Map.of(), config.entries(t.name()), t.name() + " has a key set in " + ConfigDocs.PROPERTIES);
            Settings s = t.settings(config.entries(t.name()), Map.of());
            assertTrue(s.entries().stream().allMatch(e -> e.source() == Settings.Source.DEFAULT), t.name());
        }
    }

    @Test
    void defaultsAreWrittenAsAFileTakesThem() {
        ServiceType smtp = types.stream().filter(t -> t.name().equals("smtp")).findFirst().orElseThrow();
        Map<String, String> written = new LinkedHashMap<>();
        for (Key<?> k : smtp.keys()) {
            if (!k.isPattern() && !ConfigDocs.defaultText(k).isEmpty()) {
                written.put(k.name(), ConfigDocs.defaultText(k));
            }
        }
        Settings fromText = smtp.settings(written, Map.of());
        Settings defaults = smtp.settings(Map.of(), Map.of());
        for (Settings.Entry e : defaults.entries()) {
            assertEquals(e.value(), fromText.entries().stream().filter(f -> f.key().name().equals(e.key().name()))
                    .findFirst().orElseThrow().value(), e.key().name());
        }
        assertEquals("capture", written.get("mode"));
        assertEquals("10MiB", written.get("max-size"));
    }

    @Test
    void aFileWithoutTheMarkersIsRefusedSayingWhatToAdd() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigDocs.markdown("# Configuration\n", types));
        assertTrue(e.getMessage().contains(ConfigDocs.MARKDOWN_BEGIN), e.getMessage());
    }

    @Test
    void onlyThePartBetweenTheMarkersIsReplaced() {
        String text = "head\n" + ConfigDocs.PROPERTIES_BEGIN + "\nold\n" + ConfigDocs.PROPERTIES_END + "\ntail\n";
        String after = ConfigDocs.properties(text, types);
        assertTrue(after.startsWith("head\n" + ConfigDocs.PROPERTIES_BEGIN + "\n"), after);
        assertTrue(after.endsWith("\n" + ConfigDocs.PROPERTIES_END + "\ntail\n"), after);
        assertTrue(!after.contains("\nold\n"), after);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
