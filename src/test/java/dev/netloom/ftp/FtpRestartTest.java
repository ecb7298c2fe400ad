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

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * REST over real sockets, commands sent one by one (commons-net's sendCommand) and data read on
 * plain sockets: the offset holds across PASV, EPSV, PORT, EPRT, TYPE, LIST and any other
 * command until the next RETR, STOR, APPE or STOU, which uses it up whatever its outcome (as
 * vsftpd does); and commons-net's own resume (setRestartOffset) in each data mode.
 */
class FtpRestartTest {

    private static String hash;

    @TempDir
    Path root;
    private Service ftp;
    private FTPClient client;

    @BeforeAll
    static void hash() {
        hash = PasswordHash.create("dave-pw".toCharArray());
    }

    @BeforeEach
    void start() throws IOException {
        Files.writeString(Files.createDirectories(root.resolve("dave")).resolve("ten.txt"), "0123456789");
        ftp = Net.start(FtpService.type(), "root=" + root, "users=dave", "user.dave.password=" + hash,
                "user.dave.write=true", "passive-ports=0-0", "login-delay=0ms");
        client = new FTPClient();
        client.setDefaultTimeout(10_000);
        client.setDataTimeout(Duration.ofSeconds(10));
        client.connect(ftp.address().getAddress(), ftp.address().getPort());
        client.setSoTimeout(10_000);
        assertTrue(client.login("dave", "dave-pw"), client.getReplyString());
        assertEquals(200, client.sendCommand("TYPE I"));
    }

    @AfterEach
    void stop() throws IOException {
        client.disconnect();
        ftp.close();
    }

    /** The data connection one of PASV, EPSV, PORT, EPRT has set up: we connect (passive) or accept (active). */
    private record Data(ServerSocket listener, int port) implements Closeable {

        Socket open() throws IOException {
            Socket s = listener != null ? listener.accept() : new Socket(InetAddress.getLoopbackAddress(), port);
            s.setSoTimeout(10_000);
            return s;
        }

        @Override
        public void close() throws IOException {
            if (listener != null) {
                listener.close();
            }
        }
    }

    private Data data(String verb) throws IOException {
        switch (verb) {
            case "EPSV" -> {
                assertEquals(229, client.sendCommand("EPSV"));
                String r = client.getReplyString();
                return new Data(null, Integer.parseInt(r.substring(r.indexOf("|||") + 3, r.lastIndexOf('|'))));
            }
            case "PASV" -> {
                assertEquals(227, client.sendCommand("PASV"));
                String[] f = client.getReplyString().replaceAll("(?s).*\\((.*)\\).*", "$1").split(",");
                return new Data(null, Integer.parseInt(f[4].strip()) * 256 + Integer.parseInt(f[5].strip()));
            }
            default -> {
                ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ss.setSoTimeout(10_000);
                int p = ss.getLocalPort();
                String arg = verb.equals("EPRT") ? "|1|127.0.0.1|" + p + "|" : "127,0,0,1," + (p >> 8) + "," + (p & 0xff);
                assertEquals(200, client.sendCommand(verb, arg), client.getReplyString());
                return new Data(ss, 0);
            }
        }
    }

    /** {@code command} (RETR, LIST...) over a data connection set up by {@code verb}: what it sent. */
    private String download(String verb, String command) throws IOException {
        try (Data d = data(verb)) {
            assertEquals(150, client.sendCommand(command), client.getReplyString());
            String got;
            try (Socket s = d.open()) {
                got = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
            assertEquals(226, client.getReply(), client.getReplyString());
            return got;
        }
    }

    /** {@code command} (STOR, APPE, STOU) sending {@code content} over a data connection set up by EPSV. */
    private void upload(String command, String content) throws IOException {
        try (Data d = data("EPSV")) {
            assertEquals(150, client.sendCommand(command), client.getReplyString());
            try (Socket s = d.open()) {
                s.getOutputStream().write(content.getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(226, client.getReply(), client.getReplyString());
        }
    }

    private String stored(String name) throws IOException {
        return Files.readString(root.resolve("dave").resolve(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"EPSV", "PASV", "PORT", "EPRT", "TYPE I,EPSV", "TYPE A,TYPE I,PASV", "EPSV,PASV,EPRT",
            "NOOP,PWD,CWD /,SIZE ten.txt,MDTM ten.txt,MLST ten.txt,STAT,SYST,FEAT,MODE S,STRU F,EPSV", "LIST,EPSV"})
    void theOffsetHoldsUntilTheTransfer(String between) throws IOException {
        assertEquals(350, client.sendCommand("REST 5"));
        List<String> commands = List.of(between.split(","));
        for (String c : commands.subList(0, commands.size() - 1)) {
            if (c.equals("LIST")) {
                assertTrue(download("EPSV", "LIST").contains("ten.txt"));
            } else if (c.matches("EPSV|PASV|EPRT|PORT")) {
                data(c).close(); // replaced by the next one
            } else {
                assertTrue(client.sendCommand(c) < 400, c + ": " + client.getReplyString());
            }
        }
        assertEquals("56789", download(commands.getLast(), "RETR ten.txt"), "REST 5, " + between + ", RETR");
        assertEquals("0123456789", download("EPSV", "RETR ten.txt"), "the RETR used the offset up");
    }

    @Test
    void everyTransferCommandUsesTheOffsetUpWhateverItsOutcome() throws IOException {
        assertEquals(350, client.sendCommand("REST 5"));
        assertEquals(550, client.sendCommand("RETR missing.txt"));
        assertEquals("0123456789", download("EPSV", "RETR ten.txt"));

        assertEquals(350, client.sendCommand("REST 5"));
        assertEquals(425, client.sendCommand("STOR new.txt"), "no PASV or PORT first");
        upload("STOR new.txt", "fresh");
        assertEquals("fresh", stored("new.txt"));

        assertEquals(350, client.sendCommand("REST 3"));
        upload("APPE ten.txt", "ab");
        assertEquals("0123456789ab", stored("ten.txt"), "APPE appends at the end, whatever the offset");
        assertEquals("0123456789ab", download("EPSV", "RETR ten.txt"));

        assertEquals(350, client.sendCommand("REST 4"));
        upload("STOU ten.txt", "xy");
        assertEquals("xy", stored("ten.txt.1"), "a new file from its start");
        assertEquals("0123456789ab", download("EPSV", "RETR ten.txt"));
    }

    @Test
    void storResumesAtTheOffsetAfterEpsv() throws IOException {
        assertEquals(350, client.sendCommand("REST 5"));
        try (Data d = data("EPSV")) {
            assertEquals(150, client.sendCommand("STOR ten.txt"));
            try (Socket s = d.open()) {
                s.getOutputStream().write("abc".getBytes(StandardCharsets.US_ASCII));
            }
            assertEquals(226, client.getReply());
        }
        assertEquals("01234abc", stored("ten.txt"));
    }

    /** commons-net sends REST after PASV/EPSV/PORT, just before the transfer command (checked here), and resets it after. */
    @ParameterizedTest
    @ValueSource(strings = {"EPSV", "PASV", "PORT"})
    void commonsNetResumesInEveryDataMode(String mode) throws IOException {
        List<String> sent = new ArrayList<>();
        client.addProtocolCommandListener(new ProtocolCommandListener() {
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
            client.enterLocalActiveMode();
            client.setActiveExternalIPAddress("127.0.0.1");
        } else {
            client.enterLocalPassiveMode();
            client.setUseEPSVwithIPv4(mode.equals("EPSV"));
        }
        client.setFileType(FTP.BINARY_FILE_TYPE);
        client.setRestartOffset(5);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(client.retrieveFile("ten.txt", out), client.getReplyString());
        assertEquals("56789", out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(mode, "REST", "RETR"), sent.subList(sent.size() - 3, sent.size()));

        client.setRestartOffset(7);
        assertTrue(client.storeFile("ten.txt", new java.io.ByteArrayInputStream("XYZ".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("0123456XYZ", stored("ten.txt"));
        out.reset();
        assertTrue(client.retrieveFile("ten.txt", out));
        assertEquals("0123456XYZ", out.toString(StandardCharsets.UTF_8));
    }
}
