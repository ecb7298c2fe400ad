package dev.netloom.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/*
 * Structured MIME header values with parameters (RFC 2045 §5.1, RFC 2183, RFC 2231):
 *
 *   value     = token "/" token  (Content-Type)  /  token  (Content-Disposition)
 *   params    = *( ";" attribute "=" ( token / quoted-string ) )
 *   extended  = attribute "*=" charset "'" [language] "'" %-encoded-octets      (RFC 2231 §4)
 *   sections  = attribute "*" N ["*"] "=" ...  for N = 0, 1, ... concatenated     (RFC 2231 §3)
 *
 * Reading: attribute names are case-insensitive (kept lower-case); an unquoted value runs to
 * the next ";" (so unquoted names with spaces, as some senders write, survive); sections are
 * joined from 0 upwards until one is missing, the charset coming from section 0; an extended
 * or sectioned value wins over a plain one of the same name; an unknown charset reads as
 * UTF-8. Writing: printable ASCII short enough is a quoted-string, anything else is the
 * extended UTF-8 form, split into sections of at most 60 characters so lines stay short.
 */

/** A MIME header value split into its lower-case main value and its decoded parameters, in order. */
record MimeParams(String value, Map<String, String> params) {

    private static final int SECTION = 60;
    private static final String ATTRIBUTE_CHARS = "!#$&+-.^_`|~";

    /** The parameter named {@code name} (lower-case), or null. */
    String get(String name) {
        return params.get(name);
    }

    /** Parses a Content-Type or Content-Disposition value; null or junk gives an empty value. */
    static MimeParams parse(String header) {
        if (header == null) {
            return new MimeParams("", Map.of());
        }
        int semi = header.indexOf(';');
        String value = (semi < 0 ? header : header.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        Map<String, String> plain = new LinkedHashMap<>();
        Map<String, TreeMap<Integer, String>> sections = new LinkedHashMap<>();
        Map<String, Boolean> extended = new HashMap<>();
        int n = header.length();
        int i = semi < 0 ? n : semi;
        while (i < n) {
            while (i < n && (header.charAt(i) == ';' || Character.isWhitespace(header.charAt(i)))) {
                i++;
            }
            int eq = i;
            while (eq < n && header.charAt(eq) != '=' && header.charAt(eq) != ';') {
                eq++;
            }
            String name = header.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            if (eq >= n || header.charAt(eq) == ';') {
                i = eq;
                continue;
            }
            int j = eq + 1;
            while (j < n && (header.charAt(j) == ' ' || header.charAt(j) == '\t')) {
                j++;
            }
            StringBuilder v = new StringBuilder();
            if (j < n && header.charAt(j) == '"') {
                for (j++; j < n && header.charAt(j) != '"'; j++) {
                    if (header.charAt(j) == '\\' && j + 1 < n) {
                        j++;
                    }
                    v.append(header.charAt(j));
                }
                while (j < n && header.charAt(j) != ';') {
                    j++;
                }
            } else {
                int end = header.indexOf(';', j);
                end = end < 0 ? n : end;
                v.append(header, j, end);
                j = end;
                v = new StringBuilder(v.toString().strip());
            }
            i = j;
            add(name, v.toString(), plain, sections, extended);
        }
        Map<String, String> params = new LinkedHashMap<>(plain);
        sections.forEach((name, parts) -> params.put(name, join(parts, extended, name)));
        return new MimeParams(value, Collections.unmodifiableMap(params));
    }

    private static void add(String name, String v, Map<String, String> plain,
                            Map<String, TreeMap<Integer, String>> sections, Map<String, Boolean> extended) {
        int star = name.indexOf('*');
        if (star < 0) {
            plain.putIfAbsent(name, v);
            return;
        }
        String base = name.substring(0, star);
        String rest = name.substring(star + 1);
        boolean ext = rest.endsWith("*") || rest.isEmpty();
        String digits = rest.endsWith("*") ? rest.substring(0, rest.length() - 1) : rest;
        int index;
        if (digits.isEmpty()) {
            index = 0;
        } else if (digits.length() <= 4 && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            index = Integer.parseInt(digits);
        } else {
            return;
        }
        // a section's marker: "e" encoded, "p" plain, prefixed to its value
        sections.computeIfAbsent(base, k -> new TreeMap<>()).putIfAbsent(index, (ext ? "e" : "p") + v);
        if (index == 0) {
            extended.put(base, ext);
        }
    }

    private static String join(TreeMap<Integer, String> parts, Map<String, Boolean> extended, String name) {
        Charset cs = StandardCharsets.UTF_8;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int k = 0; parts.containsKey(k); k++) {
            String s = parts.get(k);
            boolean ext = s.charAt(0) == 'e';
            s = s.substring(1);
            if (k == 0 && ext && Boolean.TRUE.equals(extended.get(name))) {
                int q1 = s.indexOf('\'');
                int q2 = q1 < 0 ? -1 : s.indexOf('\'', q1 + 1);
                if (q2 > 0) {
                    Charset named = Charsets.lookup(s.substring(0, q1));
                    cs = named == null ? StandardCharsets.UTF_8 : named;
                    s = s.substring(q2 + 1);
                }
            }
            if (ext) {
                percentDecode(s, bytes);
            } else {
                bytes.writeBytes(s.getBytes(cs));
            }
        }
        return new String(bytes.toByteArray(), cs);
    }

    private static void percentDecode(String s, ByteArrayOutputStream out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int hi = c == '%' && i + 2 < s.length() ? TransferEncoding.hex(s.charAt(i + 1)) : -1;
            int lo = hi >= 0 ? TransferEncoding.hex(s.charAt(i + 2)) : -1;
            if (lo >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Header tokens for {@code main} and its parameters, ";" after every token but the last. */
    static List<String> tokens(String main, String... namesAndValues) {
        List<String> out = new ArrayList<>();
        out.add(main);
        for (int p = 0; p + 1 < namesAndValues.length; p += 2) {
            for (String t : param(namesAndValues[p], namesAndValues[p + 1])) {
                out.set(out.size() - 1, out.getLast() + ";");
                out.add(t);
            }
        }
        return out;
    }

    /** One parameter as one or more "name=value" tokens (sections when long or not ASCII). */
    static List<String> param(String name, String value) {
        if (isPrintableAscii(value) && name.length() + value.length() + 3 <= SECTION + 10) {
            return List.of(name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
        }
        String pct = "UTF-8''" + percentEncode(value);
        if (name.length() + 2 + pct.length() <= SECTION + 10) {
            return List.of(name + "*=" + pct);
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < pct.length()) {
            int end = Math.min(pct.length(), start + SECTION);
            // never split a %XX escape
            if (end < pct.length() && pct.lastIndexOf('%', end - 1) >= end - 2) {
                end = pct.lastIndexOf('%', end - 1);
            }
            out.add(name + "*" + out.size() + "*=" + pct.substring(start, end));
            start = end;
        }
        return out;
    }

    private static boolean isPrintableAscii(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
    }

    static String percentEncode(String value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || ATTRIBUTE_CHARS.indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }
}
