package dev.netloom.ftp;

import dev.netloom.core.CommandCounts;
import dev.netloom.core.Connection;
import dev.netloom.core.PerIpLimit;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.StatusClasses;
import dev.netloom.core.TcpServer;
import dev.netloom.core.TlsIdentity;
import dev.netloom.core.TlsUpgrade;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code ftp} service: an FTP server (see {@link FtpSession} for the protocol, the package
 * description for the RFCs) for the users of {@link FtpConfig}, each jailed in a home directory
 * under {@code ftp.root}. Over {@code max-connections}, or {@code max-per-ip} from one address, a
 * client is told {@code 421} and closed. The TLS key for AUTH TLS is the one {@code chat-tls}
 * uses ({@link TlsIdentity}), loaded (or made) on the first AUTH TLS, so a server nobody asks for
 * TLS never runs keytool.
 */
public final class FtpService extends TcpServer {

    private static final System.Logger LOG = System.getLogger(FtpService.class.getName());

    private final FtpConfig ftp;
    private final PerIpLimit perIp;
    private final TlsUpgrade tls;
    private final TlsUpgrade uploadTls;
    private final StatusClasses replyClasses = new StatusClasses();
    private final CommandCounts commands = new CommandCounts(FtpCommand.VERBS.toArray(String[]::new));

    public static ServiceType type() {
        return new ServiceType("ftp", "FTP server (RFC 959, EPSV, MLSD, REST, FTPS) with jailed users",
                ServiceType.Transport.TCP, FtpConfig.DEFAULT_PORT, FtpConfig.keys(), FtpService::new);
    }

    public FtpService(Settings settings) {
        super(settings);
        this.ftp = FtpConfig.from(settings);
        this.perIp = new PerIpLimit(ftp.maxPerIp());
        this.tls = new TlsUpgrade(settings);
        this.uploadTls = new TlsUpgrade(settings, false);
    }

    FtpConfig ftp() {
        return ftp;
    }

    Duration idleTimeout() {
        return config.idleTimeout();
    }

    /** Refuses to start on a root that is a file (every login would fail with 530); a missing one is made at the first login. */
    @Override
    protected InetSocketAddress open() throws IOException {
        if (Files.exists(ftp.root()) && !Files.isDirectory(ftp.root())) {
            throw new NotDirectoryException(ftp.root().toString());
        }
        return super.open();
    }

    @Override
    protected void serve(Connection c) throws IOException {
        try (PerIpLimit.Slot slot = perIp.enter(c.remote().getAddress())) {
            if (!slot.admitted()) {
                c.out().write(("421 Too many connections from your address (max " + perIp.max() + ").\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            new FtpSession(this, c).run();
        }
    }

    @Override
    protected void refuse(OutputStream out) throws IOException {
        out.write(("421 Too many connections (max " + config.maxConnections() + ").\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The home directory of {@code user}, made when missing; null when its configured name would
     * lie outside {@code ftp.root} or it cannot be made (the login then fails).
     */
    Path home(FtpUser user) {
        Path root = ftp.root().toAbsolutePath().normalize();
        Path home = root.resolve(user.home()).normalize();
        if (!home.startsWith(root)) {
            LOG.log(Level.WARNING, "ftp: home of {0} is outside ftp.root: {1}", user.name(), home);
            return null;
        }
        try {
            Files.createDirectories(home);
            return home;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "ftp: cannot make the home of {0}: {1}", user.name(), e.getMessage());
            return null;
        }
    }

    /** TLS for the control connection (AUTH TLS). */
    TlsUpgrade tls() {
        return tls;
    }

    /** {@code raw} wrapped in a server-side TLS socket, not yet shaken hands; the handshake has 10 s. */
    SSLSocket tlsServer(Socket raw) throws IOException {
        return tls.wrap(raw);
    }

    /**
     * Like {@link #tlsServer}, for the data connection of an upload (STOR, APPE, STOU): without the
     * session tickets a TLS 1.3 server sends after the handshake. The client only writes there and
     * never reads them; curl and lftp then close with the tickets unread, so their kernel resets
     * the connection and the end of the upload that netloom had not read yet is lost (426).
     */
    SSLSocket tlsUpload(Socket raw) throws IOException {
        return uploadTls.wrap(raw);
    }

    /** Replies by class, counted as they are written ({@code netloom_responses_total}). */
    StatusClasses replyClasses() {
        return replyClasses;
    }

    /** Command lines by verb ({@code netloom_commands_total}). */
    CommandCounts commands() {
        return commands;
    }

    @Override
    public Map<String, Long> requestsByResult() {
        return replyClasses.counts();
    }

    @Override
    public Map<String, Long> commandCounts() {
        return commands.counts();
    }

    @Override
    public List<String> details() {
        return List.of(ftp.users().size() + " user(s); root " + ftp.root() + "; passive ports "
                + ftp.passiveFrom() + "-" + ftp.passiveTo());
    }
}
