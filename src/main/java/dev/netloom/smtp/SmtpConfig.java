package dev.netloom.smtp;

import dev.netloom.core.Key;
import dev.netloom.core.PasswordHash;
import dev.netloom.core.PerIpLimit;
import dev.netloom.core.Settings;
import dev.netloom.core.TcpConfig;
import dev.netloom.core.TlsIdentity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings of the {@code smtp} service beyond the common TCP and TLS ones. Users for AUTH are
 * listed in {@code smtp.users}, each with {@code smtp.user.NAME.password} (a hash printed by
 * {@code netloom smtp-passwd}, the same format as FTP's).
 *
 * @param mode          {@code capture} keeps mail for every recipient; {@code local} only for {@link #domains}
 * @param domains       the domains {@code local} mode accepts (lower case); others get 550, never relayed
 * @param maxSize       largest message accepted, in bytes (10 MiB), announced in EHLO's SIZE
 * @param maxRecipients RCPTs per message (100, RFC 5321's minimum); more get 452
 * @param store         the SQLite database file holding the messages ({@code db/smtp.db})
 * @param maxMessages   retention cap: past it the oldest messages are dropped (10,000; 0 = no cap)
 * @param users         AUTH accounts: name to password hash
 * @param authRequired  MAIL only after AUTH (false)
 * @param authPlaintext AUTH allowed without TLS (false: STARTTLS first)
 * @param apiHost       address of the JSON API (the service's host)
 * @param apiPort       port of the JSON API (8025; 0 = any free port)
 * @param hostname      the name the server gives itself in its greeting and Received headers
 * @param trace         log every session's dialog (false)
 * @param loginDelay    wait before answering a failed AUTH (1 s)
 * @param maxAuthFailures failed AUTHs after which the session is closed with 421 (3, as ftp)
 * @param maxPerIp      connections from one address at once (16); more get 421 at the greeting
 */
public record SmtpConfig(Mode mode, Set<String> domains, int maxSize, int maxRecipients, Path store, int maxMessages,
                         Map<String, String> users, boolean authRequired, boolean authPlaintext, String apiHost,
                         int apiPort, String hostname, boolean trace, Duration loginDelay, int maxAuthFailures,
                         int maxPerIp) {

    public static final int DEFAULT_PORT = 2525;
    public static final int DEFAULT_API_PORT = 8025;

    /** What the server accepts. */
    public enum Mode { CAPTURE, LOCAL }

    public static final Key<Mode> MODE = Key.choice("mode", Mode.CAPTURE,
            "capture: keep mail for any recipient (a mail catcher); local: only for smtp.domains (others get 550)");
    public static final Key<List<String>> DOMAINS = new Key<>("domains", List.of(),
            s -> Arrays.stream(s.split(",")).map(d -> d.strip().toLowerCase(Locale.ROOT)).filter(d -> !d.isEmpty())
                    .toList(), "comma-separated domains", "the domains local mode accepts mail for, such as example.test,example.org (required in that mode)");
    public static final Key<Integer> MAX_SIZE = Key.size("max-size", 10 * 1024 * 1024, 1024, Integer.MAX_VALUE - 1,
            "largest message accepted (SIZE in EHLO); larger gets 552");
    public static final Key<Integer> MAX_RECIPIENTS = Key.integer("max-recipients", 100, 1, 100_000,
            "recipients per message; more get 452");
    public static final Key<String> STORE = Key.string("store", "db/smtp.db",
            "SQLite database of stored messages (relative to the netloom home)");
    public static final Key<Integer> MAX_MESSAGES = Key.integer("max-messages", 10_000, 0, Integer.MAX_VALUE,
            "messages kept; past it the oldest are dropped (0 = keep all)");
    public static final Key<List<String>> USERS = Key.list("users", List.of(), "comma-separated user names", "the users who may AUTH; each needs smtp.user.NAME.password");
    public static final Key<String> PASSWORD = new Key<>("user.*.password", null,
            s -> PasswordHash.isValid(s) ? s : null, "a hash printed by netloom smtp-passwd",
            "the user's password hash (pbkdf2-sha256$120000$SALT$HASH) from netloom smtp-passwd;"
                    + " --user NAME --save writes it, and NAME into smtp.users, to netloom.local.properties");
    public static final Key<Boolean> AUTH_REQUIRED = Key.bool("auth-required", false,
            "MAIL FROM only after AUTH (530 otherwise)");
    public static final Key<Boolean> AUTH_PLAINTEXT = Key.bool("auth-plaintext", false,
            "allow AUTH on a connection without TLS (else 538: STARTTLS first)");
    public static final Key<Integer> API_PORT = Key.integer("api-port", DEFAULT_API_PORT, 0, 65535,
            "port of the JSON API over HTTP, on host (0 = any free port)");
    public static final Key<String> HOSTNAME = Key.string("hostname", "localhost",
            "the server's name in its greeting, replies and Received headers; also a Host name the API answers"
                    + " (else 403)");
    public static final Key<Boolean> TRACE = Key.bool("trace", false, "log the full dialog of each session");
    public static final Key<Duration> LOGIN_DELAY = Key.duration("login-delay", Duration.ofSeconds(1),
            "wait before answering a failed AUTH");
    public static final Key<Integer> MAX_AUTH_FAILURES = Key.integer("max-auth-failures", 3, 1, 1000,
            "failed AUTHs (535) after which the session is closed with 421");
    public static final Key<Integer> MAX_PER_IP = PerIpLimit.key("connections");

    public SmtpConfig {
        if (mode == Mode.LOCAL && domains.isEmpty()) {
            throw new IllegalArgumentException("mode local needs smtp.domains (the domains to accept mail for)");
        }
        domains = Set.copyOf(domains);
        users = Map.copyOf(users);
    }

    public static List<Key<?>> keys() {
        List<Key<?>> keys = new ArrayList<>(TcpConfig.keys(DEFAULT_PORT));
        keys.addAll(List.of(MODE, DOMAINS, MAX_SIZE, MAX_RECIPIENTS, STORE, MAX_MESSAGES, USERS, PASSWORD,
                AUTH_REQUIRED, AUTH_PLAINTEXT, API_PORT, HOSTNAME, TRACE, LOGIN_DELAY, MAX_AUTH_FAILURES, MAX_PER_IP));
        keys.addAll(TlsIdentity.keys());
        return keys;
    }

    public static SmtpConfig from(Settings s) {
        return Settings.build(s.service(), () -> {
            Map<String, String> users = PasswordHash.users(s, USERS, PASSWORD, "smtp-passwd");
            if (s.get(AUTH_REQUIRED) && users.isEmpty()) {
                throw new IllegalArgumentException("auth-required needs at least one user in smtp.users");
            }
            return new SmtpConfig(s.get(MODE), s.get(DOMAINS).stream().collect(Collectors.toSet()), s.get(MAX_SIZE),
                    s.get(MAX_RECIPIENTS), s.path(STORE), s.get(MAX_MESSAGES), users, s.get(AUTH_REQUIRED),
                    s.get(AUTH_PLAINTEXT), s.get(TcpConfig.HOST), s.get(API_PORT), s.get(HOSTNAME), s.get(TRACE),
                    s.get(LOGIN_DELAY), s.get(MAX_AUTH_FAILURES), s.get(MAX_PER_IP));
        });
    }

    /** Whether mail for {@code domain} (lower case) is accepted. */
    boolean accepts(String domain) {
        return mode == Mode.CAPTURE || domains.contains(domain);
    }
}
