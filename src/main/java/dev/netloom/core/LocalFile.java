package dev.netloom.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes keys into {@code netloom.local.properties} in the netloom home ({@link ConfigFile#LOCAL}),
 * the untracked file for secrets: a key already there has its line replaced, a new one is
 * appended, other lines and comments stay. The file is written with {@link PrivateFiles#write}:
 * mode 0600 (owner read/write only), through a temporary file and a rename.
 */
public final class LocalFile {

    private LocalFile() {
    }

    /** Sets {@code values} (full keys, {@code ftp.user.alice.password}) in {@code home}'s local file; returns its path. */
    public static Path save(Path home, Map<String, String> values) throws IOException {
        Path file = home.resolve(ConfigFile.LOCAL);
        List<String> lines = Files.exists(file)
                ? new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8))
                : new ArrayList<>(List.of("# netloom.local.properties: local settings and secrets, read after netloom.properties.",
                "# Not tracked by git; keep it mode 0600."));
        Map<String, String> pending = new LinkedHashMap<>(values);
        for (int i = 0; i < lines.size(); i++) {
            String key = keyOf(lines.get(i));
            if (key != null && pending.containsKey(key)) {
                lines.set(i, key + "=" + escape(pending.remove(key)));
            }
        }
        pending.forEach((k, v) -> lines.add(k + "=" + escape(v)));
        PrivateFiles.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        return file;
    }

    /** The key of a {@code key=value} line, or null for comments and blank lines. */
    private static String keyOf(String line) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#") || t.startsWith("!")) {
            return null;
        }
        int end = 0;
        while (end < t.length() && "=: \t".indexOf(t.charAt(end)) < 0) {
            end++;
        }
        return t.substring(0, end);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
