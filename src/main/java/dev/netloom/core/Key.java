package dev.netloom.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configuration key of a service: its name (without the service prefix), its default, how
 * a text value is parsed, what a valid value looks like, and a one-line description.
 *
 * <p>A <em>pattern key</em> has one {@code *} segment in its name, standing for a part chosen by
 * the user, such as {@code user.*.password} for {@code ftp.user.alice.password}: every name that
 * fits is accepted and parsed the same way, {@link Settings#parts} lists the parts present and
 * {@link Settings#get(Key, String)} reads the value of one. A part is letters, digits, {@code _}
 * and {@code -} (no dots, so names stay unambiguous).
 *
 * @param <T> the parsed type
 */
public record Key<T>(String name, T defaultValue, Function<String, T> parser, String expected,
                     String description) {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,18})\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");
    private static final String SIZE_EXPECTED = "a size in bytes ";
    private static final String[] SIZE_UNITS = {"GiB", "MiB", "KiB"};
    private static final String WILDCARD = "*";
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_-]+");

    public Key {
        int star = name.indexOf(WILDCARD);
        if (star >= 0 && (name.indexOf(WILDCARD, star + 1) >= 0
                || !(star == 0 || name.charAt(star - 1) == '.')
                || !(star == name.length() - 1 || name.charAt(star + 1) == '.'))) {
            throw new IllegalArgumentException("a pattern key has one whole '*' segment, not " + name);
        }
    }

    /** True when the name has a {@code *} segment standing for a part chosen by the user. */
    public boolean isPattern() {
        return name.contains(WILDCARD);
    }

    /**
     * The part of {@code concreteName} that this pattern key's {@code *} stands for, or null when
     * the name does not fit the pattern (or this key is no pattern).
     */
    public String partOf(String concreteName) {
        int star = name.indexOf(WILDCARD);
        if (star < 0) {
            return null;
        }
        String prefix = name.substring(0, star);
        String suffix = name.substring(star + 1);
        if (concreteName.length() <= prefix.length() + suffix.length()
                || !concreteName.startsWith(prefix) || !concreteName.endsWith(suffix)) {
            return null;
        }
        String part = concreteName.substring(prefix.length(), concreteName.length() - suffix.length());
        return PART.matcher(part).matches() ? part : null;
    }

    /** This pattern key for one part: {@code user.*.home} with {@code alice} is {@code user.alice.home}. */
    public Key<T> forPart(String part) {
        if (!isPattern() || !PART.matcher(part).matches()) {
            throw new IllegalArgumentException("'" + part + "' is no part of key " + name);
        }
        return new Key<>(name.replace(WILDCARD, part), defaultValue, parser, expected, description);
    }

    /** Parses {@code raw} for the key {@code service.name}; throws ConfigException naming both. */
    public T parse(String service, String raw) {
        String fullKey = service + "." + name;
        T value;
        try {
            value = parser.apply(raw.strip());
        } catch (RuntimeException e) {
            value = null;
        }
        if (value == null) {
            throw ConfigException.badValue(fullKey, raw, expected);
        }
        return value;
    }

    /** The same key with another default, e.g. a service's own port. */
    public Key<T> withDefault(T value) {
        return new Key<>(name, value, parser, expected, description);
    }

    /** Formats a value the way it is written in a properties file: lists comma-separated, choices in lower case with '-'. */
    public String format(Object value) {
        if (value instanceof Duration d) {
            return formatDuration(d);
        } else if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        } else if (value instanceof Enum<?> e) {
            return word(e); // X_FORWARDED_FOR is written x-forwarded-for
        }
        return String.valueOf(value);
    }

    /** True for a byte count made by {@link #size}, whose values may be written with a unit. */
    public boolean isSize() {
        return expected.startsWith(SIZE_EXPECTED);
    }

    public static Key<Integer> port(int defaultPort, String description) {
        return integer("port", defaultPort, 0, 65535, description);
    }

    public static Key<Integer> integer(String name, int defaultValue, int min, int max, String description) {
        return new Key<>(name, defaultValue, s -> {
            long v = Long.parseLong(s);
            return v < min || v > max ? null : (int) v;
        }, "an integer " + min + "-" + max, description);
    }

    /** A byte count, plain or with a unit: {@code 8192}, {@code 8KiB}, {@code 1MiB}. */
    public static Key<Integer> size(String name, int defaultValue, int min, int max, String description) {
        return new Key<>(name, defaultValue, s -> {
            Long v = parseSize(s);
            return v == null || v < min || v > max ? null : (int) (long) v;
        }, SIZE_EXPECTED + min + "-" + max + " (units KiB, MiB allowed)", description);
    }

    /** Parses a byte count as {@link #size} keys take them ({@code 8192}, {@code 8KiB}, {@code 2GiB}); null when not one. */
    public static Long parseSize(String s) {
        Matcher m = SIZE.matcher(s.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        int shift = switch (m.group(2) == null ? "b" : m.group(2)) {
            case "k", "kb", "kib" -> 10;
            case "m", "mb", "mib" -> 20;
            case "g", "gb", "gib" -> 30;
            default -> 0;
        };
        long v = Long.parseLong(m.group(1));
        return v > (Long.MAX_VALUE >> shift) ? null : v << shift;
    }

    /**
     * Formats a byte count as {@link #parseSize} reads it, in the largest unit that divides it
     * exactly: {@code 64MiB}, {@code 8KiB}, {@code 65507}.
     */
    public static String formatSize(long n) {
        for (int i = 0; i < SIZE_UNITS.length; i++) {
            int shift = 10 * (SIZE_UNITS.length - i);
            if (n != 0 && n % (1L << shift) == 0) {
                return (n >> shift) + SIZE_UNITS[i];
            }
        }
        return Long.toString(n);
    }

    /** A duration: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}; a bare number is seconds. */
    public static Key<Duration> duration(String name, Duration defaultValue, String description) {
        return new Key<>(name, defaultValue, Key::parseDuration,
                "a duration such as 500ms, 30s, 5m, 1h (0 means none)", description);
    }

    public static Key<String> string(String name, String defaultValue, String description) {
        return new Key<>(name, defaultValue, s -> s.isEmpty() ? null : s, "a non-empty text", description);
    }

    /** A comma-separated list of texts, each stripped, empty entries dropped ({@code alice, bob}). */
    public static Key<List<String>> list(String name, List<String> defaultValue, String expected, String description) {
        return new Key<>(name, defaultValue,
                s -> Arrays.stream(s.split(",")).map(String::strip).filter(n -> !n.isEmpty()).toList(),
                expected, description);
    }

    public static Key<Boolean> bool(String name, boolean defaultValue, String description) {
        return new Key<>(name, defaultValue, s -> switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> Boolean.TRUE;
            case "false", "no", "off" -> Boolean.FALSE;
            default -> null;
        }, "true or false", description);
    }

    /**
     * One of an enum's values, written in lower case with {@code -} for {@code _} (as {@link
     * #format} writes them): {@code x-forwarded-for} for {@code X_FORWARDED_FOR}; the expected text
     * lists them in declaration order ({@code off, x-forwarded-for or forwarded}).
     */
    public static <E extends Enum<E>> Key<E> choice(String name, E defaultValue, String description) {
        E[] values = defaultValue.getDeclaringClass().getEnumConstants();
        List<String> words = Arrays.stream(values).map(Key::word).toList();
        String expected = words.size() == 1 ? words.getFirst()
                : String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.getLast();
        return new Key<>(name, defaultValue, s -> {
            String w = s.toLowerCase(Locale.ROOT);
            for (E v : values) {
                if (word(v).equals(w)) {
                    return v;
                }
            }
            return null;
        }, expected, description);
    }

    private static String word(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a duration as keys take them; returns null when the text is not one. */
    public static Duration parseDuration(String s) {
        Matcher m = DURATION.matcher(s.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** Formats a duration in the same notation that {@link #parseDuration} reads. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        } else if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        } else if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        } else if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
