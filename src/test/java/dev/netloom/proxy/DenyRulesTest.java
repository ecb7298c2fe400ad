package dev.netloom.proxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Blocked destinations: domain suffixes, URL regexes, and a rule file read again when it changes. */
class DenyRulesTest {

    @TempDir
    Path dir;

    @Test
    void suffixesBlockTheDomainAndTheNamesUnderIt() {
        DenyRules rules = new DenyRules(List.of("Example.COM", ".ads.net"), List.of("\\.exe$", "/track\\?"), null);
        assertEquals("host example.com (proxy.deny-hosts)", rules.match("example.com", "http://example.com/").describe());
        assertEquals("host example.com", kindText(rules.match("WWW.example.com.", "http://WWW.example.com./")));
        assertNull(rules.match("notexample.com", "http://notexample.com/"));
        assertNull(rules.match("ads.net", "http://ads.net/"), "a leading dot: only the names under it");
        assertEquals("host .ads.net", kindText(rules.match("x.ads.net", "http://x.ads.net/")));
        assertEquals("url \\.exe$", kindText(rules.match("files.org", "http://files.org/setup.exe")));
        assertEquals("url /track\\?", kindText(rules.match("a.org", "http://a.org/track?id=1")));
        assertNull(rules.match("a.org", "http://a.org/tracking"));
        assertEquals(4, rules.size());
    }

    private static String kindText(DenyRules.Rule r) {
        return r.kind() + " " + r.text();
    }

    @Test
    void badRulesAreRefusedNamingWhere() {
        IllegalArgumentException host = assertThrows(IllegalArgumentException.class,
                () -> new DenyRules(List.of("exa mple.com"), List.of(), null));
        assertEquals("proxy.deny-hosts: not a host name or domain suffix: exa mple.com", host.getMessage());
        IllegalArgumentException url = assertThrows(IllegalArgumentException.class,
                () -> new DenyRules(List.of(), List.of("(unclosed"), null));
        assertTrue(url.getMessage().startsWith("proxy.deny-urls: not a regular expression: (unclosed ("), url.getMessage());
        IllegalArgumentException line = assertThrows(IllegalArgumentException.class,
                () -> DenyRules.parseFile(List.of("# rules", "", "domain x.org"), "deny.txt"));
        assertEquals("deny.txt:3: a rule is `host SUFFIX` or `url REGEX`, not: domain x.org", line.getMessage());
    }

    @Test
    void theFileIsReadAgainWhenItChangesAndABadEditKeepsTheRulesBefore() throws Exception {
        Path file = dir.resolve("deny.txt");
        Files.writeString(file, "# blocked\nexample.org\nurl ^http://[^/]*/admin\n");
        DenyRules rules = new DenyRules(List.of(), List.of(), file);
        assertEquals(file + ":2", rules.match("example.org", "http://example.org/").source());
        assertEquals(file + ":3", rules.match("a.net", "http://a.net/admin/x").source());

        Files.writeString(file, "host other.org\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        await().until(() -> rules.match("example.org", "http://example.org/") == null);
        assertEquals("host other.org", kindText(rules.match("other.org", "http://other.org/")));

        Files.writeString(file, "host other.org\nurl (\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        await().until(() -> rules.fileError() != null);
        assertTrue(rules.fileError().startsWith(file + ":2: not a regular expression"), rules.fileError());
        assertEquals("host other.org", kindText(rules.match("other.org", "http://other.org/")), "the rules before stay");

        Files.delete(file);
        await().until(() -> rules.match("other.org", "http://other.org/") == null);
        assertEquals("no such file: " + file, rules.fileError());
    }
}
