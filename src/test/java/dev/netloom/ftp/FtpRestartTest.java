package dev.netloom.ftp;

import dev.netloom.core.PasswordHash;
import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import org.apache.commons.net.ProtocolCommandEvent;
import org.apache.commons.net.ProtocolCommandListener;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * REST over real sockets, commands sent one by one ({@link RawFtp}) and data on plain sockets:
 * the offset holds across PASV, EPSV, PORT, EPRT, TYPE, LIST and any other command until the
 * next RETR, STOR, APPE or STOU, which uses it up whatever its outcome (as vsftpd does); and
 * commons-net's own resume (setRestartOffset) in each data mode.
 */
class FtpRestartTest {

    private static String hash;

    @TempDir
    Path root;
    private Service ftp;
    private RawFtp client;

    @BeforeAll
    static void hash() {
        hash = PasswordHash.create("dave-pw".toCharArray());
    }

    @BeforeEach
    void start() throws IOException {
        Files.writeString(Files.createDirectories(root.resolve("dave")).resolve("ten.txt"), "0123456789");
        ftp = Net.start(FtpService.type(), "root=" + root, "users=dave", "user.dave.password=" + hash,
                "user.dave.write=true", "passive-ports=0-0", "login-delay=0ms");
        client = RawFtp.login(ftp, "dave", "dave-pw");
        assertEquals(200, client.send("TYPE I"));
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        ftp.close();
    }

    private String download(String verb, String command) throws IOException {
        return new String(client.download(verb, command), StandardCharsets.UTF_8);
    }

    private void upload(String command, String content) throws IOException {
        client.upload(command, content.getBytes(StandardCharsets.UTF_8));
    }

    private String stored(String name) throws IOException {
        return Files.readString(root.resolve("dave").resolve(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"EPSV", "PASV", "PORT", "EPRT", "TYPE I,EPSV", "TYPE A,TYPE I,PASV", "EPSV,PASV,EPRT",
            "NOOP,PWD,CWD /,SIZE ten.txt,MDTM ten.txt,MLST ten.txt,STAT,SYST,FEAT,MODE S,STRU F,EPSV", "LIST,EPSV"})
    void theOffsetHoldsUntilTheTransfer(String between) throws IOException {
        assertEquals(350, client.send("REST 5"));
        List<String> commands = List.of(between.split(","));
        for (String c : commands.subList(0, commands.size() - 1)) {
            if (c.equals("LIST")) {
                assertTrue(download("EPSV", "LIST").contains("ten.txt"));
            } else if (c.matches("EPSV|PASV|EPRT|PORT")) {
                client.data(c).close(); // replaced by the next one
            } else {
                assertTrue(client.send(c) < 400, c + ": " + client.text());
            }
        }
        assertEquals("56789", download(commands.getLast(), "RETR ten.txt"), "REST 5, " + between + ", RETR");
        assertEquals("0123456789", download("EPSV", "RETR ten.txt"), "the RETR used the offset up");
    }

    @Test
    void everyTransferCommandUsesTheOffsetUpWhateverItsOutcome() throws IOException {
        assertEquals(350, client.send("REST 5"));
        assertEquals(550, client.send("RETR missing.txt"));
        assertEquals("0123456789", download("EPSV", "RETR ten.txt"));

        assertEquals(350, client.send("REST 5"));
        assertEquals(425, client.send("STOR new.txt"), "no PASV or PORT first");
        upload("STOR new.txt", "fresh");
        assertEquals("fresh", stored("new.txt"));

        assertEquals(350, client.send("REST 3"));
        upload("APPE ten.txt", "ab");
        assertEquals("0123456789ab", stored("ten.txt"), "APPE appends at the end, whatever the offset");
        assertEquals("0123456789ab", download("EPSV", "RETR ten.txt"));

        assertEquals(350, client.send("REST 4"));
        upload("STOU ten.txt", "xy");
        assertEquals("xy", stored("ten.txt.1"), "a new file from its start");
        assertEquals("0123456789ab", download("EPSV", "RETR ten.txt"));
    }

    @Test
    void storResumesAtTheOffsetAfterEpsv() throws IOException {
        assertEquals(350, client.send("REST 5"));
        upload("STOR ten.txt", "abc");
        assertEquals("01234abc", stored("ten.txt"));
    }

    /** commons-net sends REST after PASV/EPSV/PORT, just before the transfer command (checked here), and resets it after. */
    @ParameterizedTest
    @ValueSource(strings = {"EPSV", "PASV", "PORT"})
    void commonsNetResumesInEveryDataMode(String mode) throws IOException {
        FTPClient cn = new FTPClient();
        cn.setDefaultTimeout(10_000);
        cn.setDataTimeout(Duration.ofSeconds(10));
        cn.connect(ftp.address().getAddress(), ftp.address().getPort());
        cn.setSoTimeout(10_000);
        assertTrue(cn.login("dave", "dave-pw"), cn.getReplyString());
        List<String> sent = new ArrayList<>();
        cn.addProtocolCommandListener(new ProtocolCommandListener() {
            @Override
            public void protocolCommandSent(ProtocolCommandEvent e) {
                sent.add(e.getCommand());
            }

            @Override
            public void protocolReplyReceived(ProtocolCommandEvent e) {
                // only the commands
            }
        });
        if (mode.equals("PORT")) {
            cn.enterLocalActiveMode();
            cn.setActiveExternalIPAddress("127.0.0.1");
        } else {
            cn.enterLocalPassiveMode();
            cn.setUseEPSVwithIPv4(mode.equals("EPSV"));
        }
        cn.setFileType(FTP.BINARY_FILE_TYPE);
        cn.setRestartOffset(5);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(cn.retrieveFile("ten.txt", out), cn.getReplyString());
        assertEquals("56789", out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(mode, "REST", "RETR"), sent.subList(sent.size() - 3, sent.size()));

        cn.setRestartOffset(7);
        assertTrue(cn.storeFile("ten.txt", new ByteArrayInputStream("XYZ".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("0123456XYZ", stored("ten.txt"));
        out.reset();
        assertTrue(cn.retrieveFile("ten.txt", out));
        assertEquals("0123456XYZ", out.toString(StandardCharsets.UTF_8));
        cn.disconnect();
    }
}
