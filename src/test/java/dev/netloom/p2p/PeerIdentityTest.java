package dev.netloom.p2p;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerIdentityTest {

    @TempDir
    Path dir;

    @Test
    void aPeerKeepsItsIdAcrossStartsInAPrivateFile() throws Exception {
        Path file = dir.resolve("data/p2p/peer.pem");
        PeerIdentity first = PeerIdentity.loadOrCreate(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertEquals(first.idHex(), PeerIdentity.loadOrCreate(file).idHex());
        assertNotEquals(first.idHex(), PeerIdentity.generate().idHex());
        Files.writeString(file, "not a key");
        assertTrue(assertThrows(IOException.class, () -> PeerIdentity.loadOrCreate(file)).getMessage()
                .startsWith("peer key " + file));
    }
}
