package dev.netloom.core;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * What the registry knows of a kind of service before any instance exists: its name, a
 * one-line description, transport and default port, its configuration keys, and how to build
 * an instance from validated settings.
 */
public record ServiceType(String name, String description, Transport transport, int defaultPort,
                          List<Key<?>> keys, Function<Settings, Service> factory,
                          Function<Settings, List<String>> warnings) {

    /** TCP or UDP, as shown in the catalogue and in {@code serve}'s listening lines. */
    public enum Transport {
        TCP, UDP;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ServiceType {
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("bad service name: " + name);
        }
        keys = List.copyOf(keys);
        warnings = warnings != null ? warnings : s -> List.of();
    }

    /** A type whose settings draw no warnings. */
    public ServiceType(String name, String description, Transport transport, int defaultPort,
                       List<Key<?>> keys, Function<Settings, Service> factory) {
        this(name, description, transport, defaultPort, keys, factory, null);
    }

    /**
     * This type with {@code check}, which names what is legal but probably not meant in a
     * service's settings (an ftp server nobody can log into); {@code start} prints and logs it.
     */
    public ServiceType warnWhen(Function<Settings, List<String>> check) {
        return new ServiceType(name, description, transport, defaultPort, keys, factory, check);
    }

    /** The warnings {@code settings} draw, each a sentence naming the service. */
    public List<String> warnings(Settings settings) {
        return warnings.apply(settings);
    }

    /** Resolves and validates settings, relative paths against {@code home}; see {@link Settings#resolve}. */
    public Settings settings(Map<String, String> file, Map<String, String> overrides, Path home) {
        return Settings.resolve(name, keys, file, overrides, home);
    }

    /** As {@link #settings(Map, Map, java.nio.file.Path)}, with the local file's values between the file's and the overrides. */
    public Settings settings(Map<String, String> file, Map<String, String> local, Map<String, String> overrides,
                             Path home) {
        return Settings.resolve(name, keys, file, local, overrides, home);
    }

    /** Settings with the working directory as home (tests). */
    public Settings settings(Map<String, String> file, Map<String, String> overrides) {
        return settings(file, overrides, Path.of(""));
    }

    /** Builds a new, not yet started instance. */
    public Service create(Settings settings) {
        return factory.apply(settings);
    }
}
