package dev.netloom.core;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The contents of {@code netloom.properties}: {@code <service>.<key>=value} lines grouped by
 * service. Every key is checked against the catalogue when the file is loaded, so a typo is
 * reported at once and not when the service is first started.
 */
public final class ConfigFile {

    private final Path path;
    private final Path home;
    private final Map<String, Map<String, String>> byService;

    private ConfigFile(Path path, Path home, Map<String, Map<String, String>> byService) {
        this.path = path;
        this.home = home;
        this.byService = byService;
    }

    /** A file with no entries: every service runs on its defaults, home is the working directory. */
    public static ConfigFile empty() {
        return empty(Path.of(""));
    }

    public static ConfigFile empty(Path home) {
        return new ConfigFile(null, home, Map.of());
    }

    /**
     * Loads and checks {@code path}. A missing file is an error only when {@code required}
     * (the user named it); the default file may be absent.
     */
    public static ConfigFile load(Path path, boolean required, Collection<ServiceType> types) {
        return load(path, required, types, Path.of(""));
    }

    /** As {@link #load(Path, boolean, Collection)}, with relative paths in values resolved against {@code home}. */
    public static ConfigFile load(Path path, boolean required, Collection<ServiceType> types, Path home) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            props.load(r);
        } catch (NoSuchFileException e) {
            if (required) {
                throw new ConfigException("config file " + path + " does not exist");
            }
            return new ConfigFile(path, home, Map.of());
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("config file " + path + " cannot be read: " + e.getMessage());
        }
        Map<String, Map<String, String>> byService = new HashMap<>();
        for (String name : props.stringPropertyNames()) {
            ServiceType type = owner(name, types).orElseThrow(() -> new ConfigException(
                    path + ": key '" + name + "' names no service; keys are <service>.<key>, services are "
                            + String.join(", ", types.stream().map(ServiceType::name).sorted().toList())));
            String key = name.substring(type.name().length() + 1);
            byService.computeIfAbsent(type.name(), k -> new HashMap<>()).put(key, props.getProperty(name));
        }
        ConfigFile file = new ConfigFile(path, home, byService);
        for (ServiceType type : types) {
            type.settings(file.entries(type.name()), Map.of(), home); // fails on any bad key or value
        }
        return file;
    }

    /** The service a dotted key belongs to: the longest service name that prefixes it. */
    static Optional<ServiceType> owner(String dottedKey, Collection<ServiceType> types) {
        return types.stream()
                .filter(t -> dottedKey.startsWith(t.name() + "."))
                .max(Comparator.comparingInt(t -> t.name().length()));
    }

    /** Entries for one service, keys without the prefix. */
    public Map<String, String> entries(String service) {
        return byService.getOrDefault(service, Map.of());
    }

    /** The netloom home: relative paths in values are resolved against it. */
    public Path home() {
        return home;
    }

    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }
}
