package dev.netloom.tools;

import dev.netloom.tools.SmtpClient.Reply;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The service extensions a server lists in its EHLO reply (RFC 5321 §4.1.1.1): one keyword a
 * line after the first, with parameters after a space ({@code SIZE 35882577},
 * {@code AUTH PLAIN LOGIN}). Keywords are compared without case. The pre-RFC 4954 form
 * {@code AUTH=LOGIN PLAIN} some servers still send counts as AUTH too.
 */
record SmtpExtensions(Map<String, String> keywords) {

    /** What a server answering HELO offers: nothing. */
    static final SmtpExtensions NONE = new SmtpExtensions(Map.of());

    SmtpExtensions {
        keywords = Map.copyOf(keywords);
    }

    static SmtpExtensions of(Reply ehlo) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : ehlo.lines().subList(1, ehlo.lines().size())) {
            String s = line.strip();
            int sp = s.indexOf(' ');
            String keyword = (sp < 0 ? s : s.substring(0, sp)).toUpperCase(Locale.ROOT);
            String params = sp < 0 ? "" : s.substring(sp + 1).strip();
            if (keyword.startsWith("AUTH=")) {
                params = (keyword.substring(5) + " " + params).strip();
                keyword = "AUTH";
            }
            if (!keyword.isEmpty()) {
                map.merge(keyword, params, (a, b) -> (a + " " + b).strip());
            }
        }
        return new SmtpExtensions(map);
    }

    boolean has(String keyword) {
        return keywords.containsKey(keyword);
    }

    /** The SASL mechanisms after AUTH, upper case; empty when AUTH is not offered. */
    Set<String> authMechanisms() {
        Set<String> set = new LinkedHashSet<>();
        for (String m : keywords.getOrDefault("AUTH", "").split(" +")) {
            if (!m.isEmpty()) {
                set.add(m.toUpperCase(Locale.ROOT));
            }
        }
        return set;
    }
}
