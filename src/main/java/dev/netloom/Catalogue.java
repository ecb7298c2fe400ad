package dev.netloom;

import dev.netloom.admin.AdminService;
import dev.netloom.chat.ChatService;
import dev.netloom.chat.ChatTlsService;
import dev.netloom.chat.UdpChatService;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.echo.EchoService;
import dev.netloom.echo.UdpEchoService;
import dev.netloom.echo.UdpUpperService;
import dev.netloom.echo.UpperService;
import dev.netloom.ftp.FtpConfig;
import dev.netloom.ftp.FtpService;
import dev.netloom.http.HttpService;
import dev.netloom.kv.KvService;
import dev.netloom.lb.LbService;
import dev.netloom.p2p.P2pService;
import dev.netloom.p2p.rendezvous.RendezvousService;
import dev.netloom.ping.PingService;
import dev.netloom.proxy.ProxyService;
import dev.netloom.rest.RestService;
import dev.netloom.smtp.SmtpConfig;
import dev.netloom.smtp.SmtpService;
import dev.netloom.tcpproxy.TcpProxyService;

import java.util.List;
import java.util.Optional;

/**
 * Every service netloom can run, in the order {@code services} lists them, with the warnings
 * their settings may draw at start (an ftp server nobody can log into).
 */
public final class Catalogue {

    private Catalogue() {
    }

    public static List<ServiceType> all() {
        return List.of(EchoService.type(), UpperService.type(), UdpEchoService.type(), UdpUpperService.type(),
                ChatService.type(), ChatTlsService.type(), UdpChatService.type(), HttpService.type(), RestService.type(),
                KvService.type(), FtpService.type().warnWhen(Catalogue::ftpWarnings), SmtpService.type().warnWhen(Catalogue::smtpWarnings), PingService.type(),
                ProxyService.type(), TcpProxyService.type(), LbService.type(), P2pService.type(),
                RendezvousService.type(), AdminService.type());
    }

    /**
     * Why {@code service} cannot run under {@code serve --workers} (a sentence to end "cannot run
     * in worker processes: "), or empty when its workers share nothing a client could tell apart.
     * Any number of workers counts, one included: a reload starts the new worker beside the old one,
     * so two processes would hold the state for a while. docs/production.md has the same table.
     */
    static Optional<String> oneProcess(String service) {
        return Optional.ofNullable(switch (service) {
            case "echo", "upper", "http", "proxy", "lb", "tcp-proxy" -> null;
            case "kv" -> "its dataset lives in one process's memory, with one writer of its AOF";
            case "rest" -> "its SQLite database has one writer (the group commit of one process)";
            case "smtp" -> "its mail store has one writer (the group commit of one process)";
            case "chat", "chat-tls" -> "its rooms and nicks live in one process's memory";
            case "ftp" -> "a session's passive data port and its uploads are one process's";
            case "p2p" -> "a peer is one identity with one store of pieces";
            case "p2p-rendezvous" -> "its announcements and punch pairings live in one process's memory";
            case "admin" -> "the master runs no services of its own; each worker's admin listener is off";
            default -> "it is a UDP service: its one socket per port is not shared (no SO_REUSEPORT for UDP here)";
        });
    }

    /** An ftp server with no users and no anonymous login accepts connections but no login. */
    static List<String> ftpWarnings(Settings s) {
        if (!s.get(FtpConfig.USERS).isEmpty() || s.get(FtpConfig.ANONYMOUS_ENABLED)) {
            return List.of();
        }
        return List.of("ftp: no user can log in (ftp.users is empty and ftp.anonymous is false); add one with "
                + "`ftp-passwd --user NAME --save` (saved to netloom.local.properties), then `restart ftp`; "
                + "or `restart ftp anonymous=true` for read-only anonymous logins");
    }

    /** An smtp server that requires AUTH but has no users refuses every message. */
    static List<String> smtpWarnings(Settings s) {
        if (!s.get(SmtpConfig.AUTH_REQUIRED) || !s.get(SmtpConfig.USERS).isEmpty()) {
            return List.of();
        }
        return List.of("smtp: no client can send (smtp.auth-required is true and smtp.users is empty: every MAIL gets 530);"
                + " add a user with `smtp-passwd --user NAME --save`, then `restart smtp`");
    }
}
