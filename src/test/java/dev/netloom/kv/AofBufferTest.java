package dev.netloom.kv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The AOF's record encoding: the bytes Aof's format comment shows, and a buffer that grows and is reused. */
class AofBufferTest {

    @TempDir
    Path dir;

    private String written(AofBuffer b) throws IOException {
        Path f = dir.resolve("out.aof");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            b.writeTo(ch);
        }
        return Files.readString(f, StandardCharsets.ISO_8859_1);
    }

    @Test
    void encodesCommandsAsRespArraysOfBulkStrings() throws IOException {
        AofBuffer b = new AofBuffer();
        assertEquals(27, b.append(Client.argv("SET", "k", "v")));
        b.append(Client.argv("RPUSH", "l", "a", "b"));
        b.append(new byte[][] {Bytes.of("SET"), new byte[0], new byte[] {'\r', '\n', 0}});
        assertEquals("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*4\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\na\r\n$1\r\nb\r\n"
                + "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$3\r\n\r\n\0\r\n", written(b));
        assertEquals(b.length(), written(b).length());
    }

    @Test
    void growsPastItsFirstSizeAndStartsOverWhenCleared() throws IOException {
        AofBuffer b = new AofBuffer();
        byte[] big = new byte[200_000];
        int n = b.append(new byte[][] {Bytes.of("SET"), Bytes.of("k"), big});
        assertEquals("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$200000\r\n".length() + 200_000 + 2, n);
        assertEquals(n, written(b).length());
        b.clear();
        assertEquals(0, b.length());
        b.append(Client.argv("DEL", "k"));
        assertEquals("*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n", written(b));
    }
}
