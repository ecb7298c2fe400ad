package dev.netloom.core;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The contents of {@code netloom.properties}, then of {@code netloom.local.properties} in the
 * netloom home (untracked: secrets such as password hashes, written by {@code ftp-passwd --save}):
 * {@code <service>.<key>=value} lines grouped by service. A value in the local file wins over
 * the same key in the main file; overrides given to {@code start} win over both. Every key is
 * checked against the catalogue when the files are loaded, so a typo is reported at once and not
 * when the service is first started. {@link #reload()} reads both files again.
 */
public final class ConfigFile {

    /** The local file's name, in the netloom home. */
    public static final String LOCAL = "netloom.local.properties";

    private final Path path;
    private final boolean required;
    private final Path localPath;
    private final Collection<ServiceType> types;
    private final Path home;
    private final Map<String, Map<String, String>> byService;
    private final Map<String, Map<String, String>> localByService;

    private ConfigFile(Path path, boolean required, Path localPath, Collection<ServiceType> types, Path home,
                       Map<String, Map<String, String>> byService, Map<String, Map<String, String>> localByService) {
        this.path = path;
        this.required = required;
        this.localPath = localPath;
        this.types = types;
        this.home = home;
        this.byService = byService;
        this.localByService = localByService;
    }

    /** A file with no entries: every service runs on its defaults, home is the working directory. */
    public static ConfigFile empty() {
        return empty(Path.of(""));
    }

    public static ConfigFile empty(Path home) {
        return new ConfigFile(null, false, null, List.of(), home, Map.of(), Map.of());
    }

    /**
     * Loads and checks {@code path} alone (no local file). A missing file is an error only when
     * {@code required} (the user named it); the default file may be absent.
     */
    public static ConfigFile load(Path path, boolean required, Collection<ServiceType> types) {
        return read(path, required, null, types, Path.of(""));
    }

    /**
     * As {@link #load(Path, boolean, Collection)}, then {@code home/netloom.local.properties} when
     * it exists; relative paths in values are resolved against {@code home}.
     */
    public static ConfigFile load(Path path, boolean required, Collection<ServiceType> types, Path home) {
        return read(path, required, home.resolve(LOCAL), types, home);
    }

    /** Reads the same files again, as they are now; a ConfigException when they no longer check. */
    public ConfigFile reload() {
        return path == null ? this : read(path, required, localPath, types, home);
    }

    private static ConfigFile read(Path path, boolean required, Path localPath, Collection<ServiceType> types, Path home) {
        Properties props = properties(path);
        if (props == null && required) {
            throw new ConfigException("config file " + path + " does not exist");
        }
        Properties local = localPath == null ? null : properties(localPath);
        ConfigFile file = new ConfigFile(path, required, localPath, List.copyOf(types), home,
                byService(path, props, types), byService(localPath, local, types));
        for (ServiceType type : types) {
            try {
                type.settings(file.entries(type.name()), file.localEntries(type.name()), Map.of(), home); // fails on any bad key or value
            } catch (ConfigException e) {
                throw new ConfigException(e.getMessage() + " (in " + file.origin(type.name(), e.getMessage()) + ")");
            }
        }
        return file;
    }

    /** The file that set the key a {@code SERVICE.KEY: ...} message names: the local one when it did. */
    private Path origin(String service, String message) {
        int colon = message.indexOf(':');
        String key = message.startsWith(service + ".") && colon > 0 ? message.substring(service.length() + 1, colon) : "";
        return localEntries(service).containsKey(key) ? localPath : path;
    }

    /** The file's properties, or null when it does not exist. */
    private static Properties properties(Path path) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            props.load(r);
            return props;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("config file " + path + " cannot be read: " + e.getMessage());
        }
    }

    private static Map<String, Map<String, String>> byService(Path path, Properties props, Collection<ServiceType> types) {
        Map<String, Map<String, String>> byService = new HashMap<>();
        if (props == null) {
            return byService;
        }
        for (String name : props.stringPropertyNames()) {
            ServiceType type = owner(name, types).orElseThrow(() -> new ConfigException(
                    path + ": key '" + name + "' names no service; keys are <service>.<key>, services are "
                            + String.join(", ", types.stream().map(ServiceType::name).sorted().toList())));
            String key = name.substring(type.name().length() + 1);
            byService.computeIfAbsent(type.name(), k -> new HashMap<>()).put(key, props.getProperty(name));
        }
        return byService;
    }

    /** The service a dotted key belongs to: the longest service name that prefixes it. */
    static Optional<ServiceType> owner(String dottedKey, Collection<ServiceType> types) {
        return types.stream()
                .filter(t -> dottedKey.startsWith(t.name() + "."))
                .max(Comparator.comparingInt(t -> t.name().length()));
    }

    /** Entries of the main file for one service, keys without the prefix. */
    public Map<String, String> entries(String service) {
        return byService.getOrDefault(service, Map.of());
    }

    /** Entries of the local file for one service, keys without the prefix. */
    public Map<String, String> localEntries(String service) {
        return localByService.getOrDefault(service, Map.of());
    }

    /** The values a service gets from both files: the local file's win. */
    public Map<String, String> effective(String service) {
        Map<String, String> all = new HashMap<>(entries(service));
        all.putAll(localEntries(service));
        return all;
    }

    /**
     * What changed for {@code service} from {@code before} to this file, one phrase a key in key
     * order ({@code port 7009 -> 7100}, {@code loss=0.3 added}, {@code delay removed}); a
     * password's value is never shown.
     */
    public List<String> changesSince(ConfigFile before, String service) {
        Map<String, String> was = before.effective(service);
        Map<String, String> now = effective(service);
        List<String> changes = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(was.keySet());
        keys.addAll(now.keySet());
        for (String k : keys) {
            String a = was.get(k);
            String b = now.get(k);
            boolean secret = k.contains("password");
            if (a == null) {
                changes.add(k + (secret ? "" : "=" + b) + " added");
            } else if (b == null) {
                changes.add(k + " removed");
            } else if (!a.equals(b)) {
                changes.add(k + (secret ? " changed" : " " + a + " -> " + b));
            }
        }
        return changes;
    }

    /** The netloom home: relative paths in values are resolved against it. */
    public Path home() {
        return home;
    }

    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /** The local file read after the main one ({@link #LOCAL} in the home), when this config reads one. */
    public Optional<Path> localPath() {
        return Optional.ofNullable(localPath);
    }
}
