package dev.netloom.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated configuration of one service instance: every key of its type with its value and
 * where the value came from (default, file, or an override given to {@code start}).
 */
public final class Settings {

    /** Where a value came from. */
    public enum Source { DEFAULT, FILE, OVERRIDE }

    /** One row of {@code config SVC}. */
    public record Entry(Key<?> key, Object value, Source source) {
        public String text() {
            return key.format(value);
        }
    }

    private final String service;
    private final Map<String, Entry> entries;
    private final Path home;

    private Settings(String service, Map<String, Entry> entries, Path home) {
        this.service = service;
        this.entries = entries;
        this.home = home;
    }

    /**
     * Resolves every key of {@code keys} from defaults, then {@code file} (keys without the
     * service prefix), then {@code overrides}. An unknown key or a bad value throws
     * ConfigException naming it.
     */
    public static Settings resolve(String service, List<Key<?>> keys, Map<String, String> file,
                                   Map<String, String> overrides, Path home) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Key<?> k : keys) {
            entries.put(k.name(), new Entry(k, k.defaultValue(), Source.DEFAULT));
        }
        apply(service, entries, file, Source.FILE);
        apply(service, entries, overrides, Source.OVERRIDE);
        return new Settings(service, entries, home.toAbsolutePath().normalize());
    }

    private static void apply(String service, Map<String, Entry> entries, Map<String, String> values,
                              Source source) {
        for (Map.Entry<String, String> e : values.entrySet()) {
            Entry current = entries.get(e.getKey());
            if (current == null) {
                throw new ConfigException(service + "." + e.getKey() + ": unknown key; " + service
                        + " has " + String.join(", ", entries.keySet()));
            }
            Object value = current.key().parse(service, e.getValue());
            entries.put(e.getKey(), new Entry(current.key(), value, source));
        }
    }

    public String service() {
        return service;
    }

    /** The netloom home, against which relative paths in values are resolved. */
    public Path home() {
        return home;
    }

    /** A path-valued key, resolved against the home when relative. */
    public Path path(Key<String> key) {
        return home.resolve(get(key)).normalize();
    }

    /** The value of {@code key}, which must be one of this service's keys. */
    public <T> T get(Key<T> key) {
        Entry e = entries.get(key.name());
        if (e == null) {
            throw new IllegalArgumentException(service + " has no key " + key.name());
        }
        @SuppressWarnings("unchecked")
        T value = (T) e.value();
        return value;
    }

    public List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    /** Runs a record constructor's validation and reports its failure as a config error. */
    public static <T> T build(String service, java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(service + ": " + e.getMessage());
        }
    }
}
