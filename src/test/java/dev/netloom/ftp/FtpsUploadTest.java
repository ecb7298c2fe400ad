package dev.netloom.ftp;

import dev.netloom.core.PasswordHash;
import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.ftp.FTPSClient;
import org.apache.commons.net.util.SSLContextUtils;
import org.apache.commons.net.util.TrustManagerUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Uploads over explicit FTPS (AUTH TLS, PBSZ 0, PROT P) as the common clients make them, and the
 * files back again. curl (OpenSSL) and lftp (GnuTLS) only write to an upload's data connection:
 * they end it with close_notify and close the socket without reading from it, so anything the
 * server sent there (a TLS 1.3 server's session tickets) is still unread, and their kernel resets
 * the connection instead of closing it, which throws away the upload's last bytes at the server.
 * commons-net's FTPSClient closes through Java's SSLSocket, which reads what has arrived first.
 * Either way the file must be stored whole (226). An upload cut by a reset is answered 426 with
 * the reason, over FTP and FTPS.
 */
class FtpsUploadTest {

    private static final Pattern EPSV_PORT = Pattern.compile("\\(\\|\\|\\|(\\d+)\\|\\)");

    @TempDir
    Path dir;
    private Path home;
    private Service service;

    @BeforeEach
    void start() throws IOException {
        home = Files.createDirectories(dir.resolve("root/alice"));
        String hash = PasswordHash.create("alice-pw".toCharArray());
        service = Net.start(FtpService.type(), "root=" + dir.resolve("root"), "users=alice",
                "user.alice.password=" + hash, "user.alice.write=true", "passive-ports=0-0", "login-delay=0ms",
                "keystore=" + dir.resolve("tls/netloom.p12"));
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private <C extends FTPClient> C login(C ftp) throws IOException {
        ftp.setDefaultTimeout(10_000);
        ftp.connect(service.address().getAddress(), service.address().getPort()); // FTPSClient: AUTH TLS here
        ftp.setSoTimeout(10_000);
        assertTrue(ftp.login("alice", "alice-pw"), ftp.getReplyString());
        ftp.enterLocalPassiveMode();
        ftp.setFileType(FTP.BINARY_FILE_TYPE);
        return ftp;
    }

    private FTPSClient loginTls() throws IOException {
        FTPSClient ftp = new FTPSClient(false);
        ftp.setTrustManager(TrustManagerUtils.getAcceptAllTrustManager());
        login(ftp);
        ftp.execPBSZ(0);
        ftp.execPROT("P"); // throws unless 200
        return ftp;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static byte[] retrieve(FTPClient ftp, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ftp.retrieveFile(name, out), ftp.getReplyString());
        return out.toByteArray();
    }

    /** EPSV, then the data connection to the port it names, then {@code STOR name} answered 150. */
    private Socket store(FTPClient ftp, String name) throws IOException {
        assertEquals(229, ftp.epsv(), ftp.getReplyString());
        Matcher m = EPSV_PORT.matcher(ftp.getReplyString());
        assertTrue(m.find(), ftp.getReplyString());
        Socket raw = new Socket(service.address().getAddress(), Integer.parseInt(m.group(1)));
        assertTrue(FTPReply.isPositivePreliminary(ftp.sendCommand("STOR", name)), ftp.getReplyString());
        return raw;
    }

    /** The client side of TLS over {@code raw}, shaken hands; closing it leaves {@code raw} open. */
    private static SSLSocket tls(Socket raw) throws IOException {
        SSLSocket tls = (SSLSocket) SSLContextUtils.createSSLContext("TLS", null,
                TrustManagerUtils.getAcceptAllTrustManager()).getSocketFactory()
                .createSocket(raw, raw.getInetAddress().getHostAddress(), raw.getPort(), false);
        tls.setUseClientMode(true);
        tls.startHandshake();
        return tls;
    }

    /**
     * STOR as curl and lftp make it: the TLS session of the data connection is written to, ended
     * with close_notify, and its socket closed without a read. Returns the final reply's code.
     */
    private int uploadWithoutReading(FTPSClient ftp, String name, byte[] data) throws IOException {
        try (Socket raw = store(ftp, name)) {
            SSLSocket tls = tls(raw);
            OutputStream out = tls.getOutputStream();
            out.write(data);
            out.flush();
            tls.shutdownOutput(); // close_notify; then the socket closes with what the server sent unread
        }
        return ftp.getReply();
    }

    @ParameterizedTest
    @ValueSource(ints = {300_000, 4_000_000})
    void anUploadClosedWithoutReadingIsStoredWhole(int size) throws Exception {
        byte[] data = random(size);
        FTPSClient ftp = loginTls();
        assertEquals(226, uploadWithoutReading(ftp, "up.bin", data), ftp.getReplyString());
        assertArrayEquals(data, Files.readAllBytes(home.resolve("up.bin")));
        assertArrayEquals(data, retrieve(ftp, "up.bin"), "the download over FTPS");
        assertEquals(226, uploadWithoutReading(ftp, "up.bin", data), "a second upload: " + ftp.getReplyString());
        assertArrayEquals(data, Files.readAllBytes(home.resolve("up.bin")));
        ftp.disconnect();
    }

    @ParameterizedTest
    @ValueSource(ints = {300_000, 4_000_000})
    void commonsNetUploadsAppendsAndDownloads(int size) throws Exception {
        byte[] data = random(size);
        FTPSClient ftp = loginTls();
        assertTrue(ftp.storeFile("cn.bin", new ByteArrayInputStream(data)), ftp.getReplyString());
        assertArrayEquals(data, Files.readAllBytes(home.resolve("cn.bin")));
        assertArrayEquals(data, retrieve(ftp, "cn.bin"), "the download over FTPS");
        assertTrue(ftp.appendFile("cn.bin", new ByteArrayInputStream(data)), ftp.getReplyString());
        byte[] twice = retrieve(ftp, "cn.bin");
        assertEquals(2 * size, twice.length, "APPE then RETR");
        assertArrayEquals(data, Arrays.copyOfRange(twice, size, 2 * size), "APPE then RETR");
        ftp.disconnect();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aFailedUploadSaysWhyIn426(boolean protect) throws Exception {
        FTPClient ftp = protect ? loginTls() : login(new FTPClient());
        try (Socket raw = store(ftp, "cut.bin")) {
            OutputStream out = protect ? tls(raw).getOutputStream() : raw.getOutputStream();
            out.write(random(100_000));
            out.flush();
            Path cut = home.resolve("cut.bin");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(cut) && Files.size(cut) > 0);
            raw.setSoLinger(true, 0); // the close resets: the upload is cut, not ended
        }
        assertEquals(426, ftp.getReply(), ftp.getReplyString());
        assertTrue(ftp.getReplyString().contains("transfer failed: Connection reset"), ftp.getReplyString());
        assertTrue(ftp.sendNoOp(), "the control connection goes on");
        ftp.disconnect();
    }
}
