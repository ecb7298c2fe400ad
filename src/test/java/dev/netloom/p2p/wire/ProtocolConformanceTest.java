package dev.netloom.p2p.wire;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Walks the examples of docs/protocol.md byte for byte: each ```example block is a frame's
 * description (its first line) and its bytes in hex; the codec must decode the bytes to that
 * description and encode the frame back to the same bytes. So the specification and the code
 * cannot drift apart.
 */
class ProtocolConformanceTest {

    private static final Pattern EXAMPLE = Pattern.compile("```example\\n(.*?)\\n(.*?)```", Pattern.DOTALL);

    @TestFactory
    List<DynamicTest> everyExampleOfTheSpecification() throws IOException {
        String spec = Files.readString(Path.of("docs/protocol.md"), StandardCharsets.UTF_8);
        Matcher m = EXAMPLE.matcher(spec);
        List<DynamicTest> tests = new ArrayList<>();
        List<String> types = new ArrayList<>();
        while (m.find()) {
            String description = m.group(1).strip();
            byte[] bytes = HexFormat.of().parseHex(m.group(2).replaceAll("\\s", ""));
            types.add(description.split(" ")[0]);
            tests.add(DynamicTest.dynamicTest(description, () -> {
                Frame f = FrameReader.datagram(bytes, 0, bytes.length);
                assertEquals(description, f.describe());
                assertArrayEquals(bytes, FrameCodec.encode(f), "encoding " + description);
            }));
        }
        for (byte t = 0; t < 0x30; t++) {
            String name = Frame.typeName(t);
            if (!name.startsWith("0x")) {
                assertTrue(types.contains(name), "docs/protocol.md has no example of " + name);
            }
        }
        return tests;
    }
}
