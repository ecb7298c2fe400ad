package dev.netloom.proxy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.netloom.core.Cidr;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Any text as an ACL block or a deny file: parsing succeeds or refuses with
 * IllegalArgumentException, nothing else; a block that parses prints as a block that parses to
 * itself and contains its own network address. Deny-file lines are fuzzed as host rules: a url
 * rule is a regex the user wrote, compiled as given (Jazzer's regex-injection sanitizer would
 * report exactly that), and its refusal is in DenyRulesTest.
 */
class AccessRulesFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void anyRuleTextParsesOrIsRefused(FuzzedDataProvider data) throws Exception {
        String text = data.consumeString(60);
        try {
            Cidr c = Cidr.parse(text);
            assertEquals(c, Cidr.parse(c.toString()), text);
            assertEquals(true, c.contains(InetAddress.getByAddress(c.network())), text);
        } catch (IllegalArgumentException refused) {
            // a clear refusal is an answer
        }
        try {
            List<String> lines = List.of(data.consumeRemainingAsString().split("\n")).stream()
                    .map(line -> line.strip().startsWith("url") ? "host " + line.strip().substring(3) : line).toList();
            DenyRules.parseFile(lines, "fuzz")
                    .forEach(r -> r.matches("example.com", "http://example.com/" + text));
        } catch (IllegalArgumentException refused) {
            // likewise
        }
    }
}
