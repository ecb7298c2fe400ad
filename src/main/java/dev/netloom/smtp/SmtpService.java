package dev.netloom.smtp;

import dev.netloom.core.CommandCounts;
import dev.netloom.core.Connection;
import dev.netloom.core.HostPort;
import dev.netloom.core.PerIpLimit;
import dev.netloom.core.ServiceState;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.StatusClasses;
import dev.netloom.core.StopResult;
import dev.netloom.core.TcpServer;
import dev.netloom.core.TlsUpgrade;
import dev.netloom.mailbox.Mailbox;
import dev.netloom.mailbox.MailboxOwner;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code smtp} service: an SMTP server (see {@link SmtpSession}, and the package description
 * for the RFCs) that keeps what it accepts in {@link MailStore} and shows it through
 * {@link MailApi} (and, as a {@link MailboxOwner}, to the admin listener's Mail tab). In {@code capture} mode it takes mail for anyone (a mail catcher for
 * development); in {@code local} mode only for {@code smtp.domains}. It never relays: nothing
 * leaves. Over {@code max-connections}, or {@code max-per-ip} from one address, a client is told
 * {@code 421} and closed. STARTTLS uses the
 * key {@code chat-tls} and {@code ftp} use ({@link dev.netloom.core.TlsIdentity}).
 */
public final class SmtpService extends TcpServer implements MailboxOwner {

    private final SmtpConfig smtp;
    private final TlsUpgrade tls;
    private final PerIpLimit perIp;
    private final StatusClasses replyClasses = new StatusClasses();
    private final CommandCounts commands = new CommandCounts(SmtpCommand.VERBS.toArray(String[]::new));
    private volatile MailStore store;
    private volatile MailApi api;

    public static ServiceType type() {
        return new ServiceType("smtp", "SMTP server (ESMTP, STARTTLS, AUTH) storing mail, with a JSON API",
                ServiceType.Transport.TCP, SmtpConfig.DEFAULT_PORT, SmtpConfig.keys(), SmtpService::new);
    }

    public SmtpService(Settings settings) {
        super(settings);
        this.smtp = SmtpConfig.from(settings);
        this.tls = new TlsUpgrade(settings);
        this.perIp = new PerIpLimit(smtp.maxPerIp());
    }

    SmtpConfig smtp() {
        return smtp;
    }

    TlsUpgrade tls() {
        return tls;
    }

    Duration idleTimeout() {
        return config.idleTimeout();
    }

    /** Stores a message durably and returns its id. */
    long store(MailStore.Incoming m) throws IOException {
        return store.store(m);
    }

    @Override
    protected InetSocketAddress open() throws IOException {
        store = MailStore.open(smtp.store(), smtp.maxMessages());
        try {
            try {
                api = MailApi.start(store, smtp.apiHost(), smtp.apiPort(), name(),
                        new ApiHosts(smtp.hostname(), smtp.apiHost()));
            } catch (IOException e) {
                throw new IOException("smtp.api-port " + smtp.apiPort() + ": " + e.getMessage(), e);
            }
            return super.open();
        } catch (IOException | RuntimeException e) {
            release();
            throw e;
        }
    }

    @Override
    protected StopResult shutdown(Duration grace) {
        StopResult r = super.shutdown(grace);
        release();
        return r;
    }

    private void release() {
        MailApi a = api;
        if (a != null) {
            a.close();
        }
        MailStore s = store;
        if (s != null) {
            s.close();
        }
    }

    @Override
    protected void serve(Connection c) throws IOException {
        try (PerIpLimit.Slot slot = perIp.enter(c.remote().getAddress())) {
            if (!slot.admitted()) {
                c.out().write(("421 4.7.0 " + smtp.hostname() + " Too many connections from your address (max "
                        + perIp.max() + ")\r\n").getBytes(StandardCharsets.US_ASCII));
                return;
            }
            new SmtpSession(this, c).run();
        }
    }

    @Override
    protected void refuse(OutputStream out) throws IOException {
        out.write(("421 4.7.0 " + smtp.hostname() + " Too many connections (max "
                + config.maxConnections() + ")\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** The store while the service runs (what the admin listener's Mail tab shows). */
    @Override
    public Optional<Mailbox> mailbox() {
        MailStore s = store;
        return s == null || stopping() || state() != ServiceState.RUNNING ? Optional.empty() : Optional.of(s);
    }

    /** The JSON API's address, once started. */
    public InetSocketAddress apiAddress() {
        MailApi a = api;
        return a == null ? null : a.address();
    }

    @Override
    public Map<String, InetSocketAddress> endpoints() {
        InetSocketAddress a = apiAddress();
        return a == null ? Map.of() : Map.of("smtp-api", a);
    }

    /** Replies by class, counted as they are queued ({@code netloom_responses_total}). */
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
        MailStore s = store;
        InetSocketAddress a = apiAddress();
        return List.of("mode " + smtp.mode().name().toLowerCase(Locale.ROOT)
                        + (smtp.mode() == SmtpConfig.Mode.LOCAL ? " " + String.join(",", smtp.domains()) : "")
                        + "; " + (s == null ? 0 : s.count()) + " message(s) in " + smtp.store(),
                "api " + (a == null ? "-" : "http://" + HostPort.format(a) + "/api/messages"));
    }
}
