package dev.netloom.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The destinations the proxy refuses (403 with a page naming the rule): host names by domain
 * suffix ({@code example.com} blocks it and every name under it; a leading dot, {@code
 * .example.com}, blocks only the names under it) and URLs by regular expression (found anywhere
 * in the absolute URL, as Squid's {@code url_regex}). Rules come from the keys
 * {@code proxy.deny-hosts} and {@code proxy.deny-urls} and from {@code proxy.deny-file}: one
 * rule a line, {@code host SUFFIX} or {@code url REGEX} (a bare word is a host), {@code #}
 * comments; the file is read again when its modification time changes (looked at no more than
 * once a second), and a file that no longer parses keeps the rules read before, with the error
 * reported by {@link #fileError}.
 */
public final class DenyRules {

    private static final long RECHECK_NANOS = 1_000_000_000L;

    private final List<Rule> fixed;
    private final Path file;
    private final ReentrantLock reading = new ReentrantLock();
    private volatile List<Rule> fromFile = List.of();
    private volatile FileTime fileTime;
    private volatile String fileError;
    private volatile long checkedAt = System.nanoTime() - RECHECK_NANOS;

    /**
     * Rules from the keys' values (comma-separated host suffixes; URL regexes one per entry,
     * since a regex may hold commas only in the file) and an optional file.
     *
     * @throws IllegalArgumentException naming the rule that is not valid
     */
    public DenyRules(List<String> hosts, List<String> urls, Path file) {
        List<Rule> rules = new ArrayList<>();
        for (String h : hosts) {
            rules.add(Rule.host(h, "proxy.deny-hosts"));
        }
        for (String u : urls) {
            rules.add(Rule.url(u, "proxy.deny-urls"));
        }
        this.fixed = List.copyOf(rules);
        this.file = file;
        if (file != null) {
            reload();
        }
    }

    /** The first rule that refuses {@code url} on {@code host}, or null when it is allowed. */
    public Rule match(String host, String url) {
        recheck();
        String lower = host.toLowerCase(Locale.ROOT);
        for (List<Rule> rules : List.of(fixed, fromFile)) {
            for (Rule r : rules) {
                if (r.matches(lower, url)) {
                    return r;
                }
            }
        }
        return null;
    }

    /** Why the deny file's last reading failed (its earlier rules still apply), or null. */
    public String fileError() {
        recheck();
        return fileError;
    }

    /** How many rules apply now. */
    public int size() {
        return fixed.size() + fromFile.size();
    }

    /** Reads the file again if it is time to look. */
    private void recheck() {
        if (file != null && System.nanoTime() - checkedAt >= RECHECK_NANOS) {
            reload();
        }
    }

    /** Reads the file again if it changed; a caller finding another reading it goes on with the rules it has. */
    private void reload() {
        if (!reading.tryLock()) {
            return;
        }
        checkedAt = System.nanoTime();
        try {
            FileTime t = Files.getLastModifiedTime(file);
            if (t.equals(fileTime)) {
                return;
            }
            fromFile = parseFile(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
            fileTime = t;
            fileError = null;
        } catch (NoSuchFileException e) {
            fromFile = List.of();
            fileTime = null;
            fileError = "no such file: " + file;
        } catch (IOException | IllegalArgumentException e) {
            fileError = e.getMessage();
        } finally {
            reading.unlock();
        }
    }

    /** The rules of a deny file's lines; {@code source} names the file in each rule. */
    static List<Rule> parseFile(List<String> lines, String source) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + ":" + (i + 1);
            int space = line.indexOf(' ');
            String kind = space < 0 ? "host" : line.substring(0, space);
            String rest = space < 0 ? line : line.substring(space + 1).strip();
            switch (kind) {
                case "host" -> rules.add(Rule.host(rest, where));
                case "url" -> rules.add(Rule.url(rest, where));
                default -> throw new IllegalArgumentException(where + ": a rule is `host SUFFIX` or `url REGEX`, not: "
                        + line);
            }
        }
        return List.copyOf(rules);
    }

    /**
     * One rule.
     *
     * @param kind    {@code host} or {@code url}
     * @param text    the suffix or the regex as written
     * @param source  where it was written (a key, or FILE:LINE)
     * @param pattern the compiled regex of a url rule
     */
    public record Rule(String kind, String text, String source, Pattern pattern) {

        static Rule host(String suffix, String source) {
            String s = suffix.strip().toLowerCase(Locale.ROOT);
            if (s.isEmpty() || s.equals(".") || !s.matches("\\.?[a-z0-9_-]+(\\.[a-z0-9_-]+)*\\.?|[0-9a-f:.]+")) {
                throw new IllegalArgumentException(source + ": not a host name or domain suffix: " + suffix);
            }
            return new Rule("host", s, source, null);
        }

        static Rule url(String regex, String source) {
            try {
                return new Rule("url", regex, source, Pattern.compile(regex));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(source + ": not a regular expression: " + regex + " ("
                        + e.getDescription() + ")");
            }
        }

        boolean matches(String host, String url) {
            if (pattern != null) {
                return pattern.matcher(url).find();
            }
            String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
            String t = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
            if (t.startsWith(".")) {
                return h.endsWith(t);
            }
            return h.equals(t) || h.endsWith("." + t);
        }

        /** How the 403 page and the log name it. */
        public String describe() {
            return kind + " " + text + " (" + source + ")";
        }
    }
}
