package dev.netloom.http1;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.netloom.core.DataReader;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes as a request stream: the reader either parses heads or refuses with one of the
 * statuses a server may send, never anything else, and what it accepts is well-formed.
 */
class HeadReaderFuzzTest {

    private static final Set<Integer> STATUSES = Set.of(400, 408, 414, 431, 505);

    @FuzzTest(maxDuration = "30s")
    void requestsParseOrAreRefusedCleanly(FuzzedDataProvider data) throws IOException {
        int maxLine = data.consumeInt(16, 512);
        int maxHeaders = data.consumeInt(16, 2048);
        byte[] input = data.consumeRemainingAsBytes();
        HeadReader r = new HeadReader(new DataReader(new ByteArrayInputStream(input), 4096), maxLine, maxHeaders, 10);
        for (int i = 0; i < 20 && r.await(); i++) {
            MessageHead h;
            try {
                h = r.readRequest(0);
            } catch (HttpException e) {
                assertTrue(STATUSES.contains(e.status()), "status " + e.status());
                return;
            } catch (EOFException e) {
                return;
            }
            assertTrue(h.fieldCount() <= 10);
            assertTrue(h.startLine().length() <= maxLine);
            assertTrue(!h.method().isEmpty() && !h.target().isEmpty());
            assertTrue(h.target().chars().allMatch(c -> c > 0x20 && c < 0x7f));
            for (int f = 0; f < h.fieldCount(); f++) {
                assertTrue(!h.name(f).isEmpty());
                assertTrue(h.value(f).chars().noneMatch(c -> c == '\r' || c == '\n' || c == 0));
            }
            try {
                long body = h.requestBodyLength();
                assertTrue(body >= MessageHead.CHUNKED);
                if (body > 0 && !r.skip(body)) {
                    return;
                }
            } catch (HttpException e) {
                assertTrue(e.status() == 400);
                return;
            }
        }
    }
}
