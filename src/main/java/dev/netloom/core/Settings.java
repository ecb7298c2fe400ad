package dev.netloom.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The validated configuration of one service instance: every key of its type with its value and
 * where the value came from (default, file, or an override given to {@code start}).
 *
 * <p>A pattern key (see {@link Key#isPattern}) adds an entry for each name that fits it, such as
 * {@code user.alice.password} for {@code user.*.password}; {@link #parts} lists those parts.
 */
public final class Settings {

    /** Where a value came from: the default, netloom.properties, netloom.local.properties, or {@code start}. */
    public enum Source { DEFAULT, FILE, LOCAL, OVERRIDE }

    /** One row of {@code config SVC}. */
    public record Entry(Key<?> key, Object value, Source source) {
        public String text() {
            return key.format(value);
        }
    }

    private final String service;
    private final Map<String, Entry> entries;
    private final List<Key<?>> patterns;
    private final Path home;

    private Settings(String service, Map<String, Entry> entries, List<Key<?>> patterns, Path home) {
        this.service = service;
        this.entries = entries;
        this.patterns = patterns;
        this.home = home;
    }

    /**
     * Resolves every key of {@code keys} from defaults, then {@code file} (keys without the
     * service prefix), then {@code overrides}. An unknown key or a bad value throws
     * ConfigException naming it.
     */
    public static Settings resolve(String service, List<Key<?>> keys, Map<String, String> file,
                                   Map<String, String> overrides, Path home) {
        return resolve(service, keys, file, Map.of(), overrides, home);
    }

    /** As {@link #resolve(String, List, Map, Map, Path)}, with the local file's values between the file and the overrides. */
    public static Settings resolve(String service, List<Key<?>> keys, Map<String, String> file, Map<String, String> local,
                                   Map<String, String> overrides, Path home) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<Key<?>> patterns = new ArrayList<>();
        for (Key<?> k : keys) {
            if (k.isPattern()) {
                patterns.add(k);
            } else {
                entries.put(k.name(), new Entry(k, k.defaultValue(), Source.DEFAULT));
            }
        }
        apply(service, entries, patterns, file, Source.FILE);
        apply(service, entries, patterns, local, Source.LOCAL);
        apply(service, entries, patterns, overrides, Source.OVERRIDE);
        return new Settings(service, entries, List.copyOf(patterns), home.toAbsolutePath().normalize());
    }

    private static void apply(String service, Map<String, Entry> entries, List<Key<?>> patterns,
                              Map<String, String> values, Source source) {
        for (Map.Entry<String, String> e : values.entrySet()) {
            Entry current = entries.get(e.getKey());
            Key<?> key = current != null ? current.key() : patterns.stream()
                    .filter(p -> p.partOf(e.getKey()) != null).findFirst()
                    .map(p -> p.forPart(p.partOf(e.getKey()))).orElse(null);
            if (key == null) {
                List<String> known = new ArrayList<>(entries.keySet().stream()
                        .filter(n -> patterns.stream().noneMatch(p -> p.partOf(n) != null)).toList());
                patterns.forEach(p -> known.add(p.name()));
                throw new ConfigException(service + "." + e.getKey() + ": unknown key; " + service
                        + " has " + String.join(", ", known));
            }
            Object value = key.parse(service, e.getValue());
            entries.put(e.getKey(), new Entry(key, value, source));
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

    /**
     * The value of pattern key {@code pattern} for {@code part} (e.g. {@code user.*.home} for
     * {@code alice}): the value set, else the pattern's default.
     *
     * @throws IllegalArgumentException when {@code pattern} is not one of this service's pattern keys
     */
    public <T> T get(Key<T> pattern, String part) {
        if (!patterns.contains(pattern)) {
            throw new IllegalArgumentException(service + " has no pattern key " + pattern.name());
        }
        Entry e = entries.get(pattern.forPart(part).name());
        @SuppressWarnings("unchecked")
        T value = e != null ? (T) e.value() : pattern.defaultValue();
        return value;
    }

    /** The parts set for pattern key {@code pattern}, in the order they were given. */
    public List<String> parts(Key<?> pattern) {
        return entries.keySet().stream().map(pattern::partOf).filter(Objects::nonNull).toList();
    }

    public List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    /** Runs a record constructor's validation and reports its failure as a config error. */
    public static <T> T build(String service, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(service + ": " + e.getMessage());
        }
    }
}
