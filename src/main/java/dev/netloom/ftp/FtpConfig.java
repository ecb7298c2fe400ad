package dev.netloom.ftp;

import dev.netloom.core.Key;
import dev.netloom.core.PasswordHash;
import dev.netloom.core.PerIpLimit;
import dev.netloom.core.Settings;
import dev.netloom.core.TcpConfig;
import dev.netloom.core.TlsIdentity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of the {@code ftp} service beyond the common TCP and TLS ones. Users are listed in
 * {@code ftp.users} and described by the pattern keys {@code ftp.user.NAME.password} (a hash from
 * {@code netloom ftp-passwd}), {@code .home} (relative to the root, default the name) and
 * {@code .write}; a listed user without a valid hash is a config error.
 *
 * @param root             base directory of every home ({@code data/ftp})
 * @param users            the accounts by login name, anonymous included when enabled
 * @param passiveFrom      first port of the passive range (50000)
 * @param passiveTo        last port of the passive range (50100); 0-0 means any free port
 * @param loginDelay       wait before answering a failed login (1 s)
 * @param maxLoginFailures failed logins after which the connection is closed with 421 (3)
 * @param maxPerIp         control connections from one address at once (16)
 * @param dataTimeout      how long a data connection may wait for its peer or stay silent (60 s)
 */
public record FtpConfig(Path root, Map<String, FtpUser> users, int passiveFrom, int passiveTo, Duration loginDelay,
                        int maxLoginFailures, int maxPerIp, Duration dataTimeout) {

    public static final int DEFAULT_PORT = 2121;
    public static final String ANONYMOUS = "anonymous";

    public static final Key<String> ROOT = Key.string("root", "data/ftp", "base directory of the users' homes (relative to the netloom home); made at the first login when"
                    + " missing, a file there fails the start");
    public static final Key<List<String>> USERS = Key.list("users", List.of(), "comma-separated user names", "the users who may log in, such as alice,bob; each needs ftp.user.NAME.password");
    public static final Key<String> PASSWORD = new Key<>("user.*.password", null,
            s -> PasswordHash.isValid(s) ? s : null, "a hash printed by netloom ftp-passwd",
            "the user's password hash (pbkdf2-sha256$120000$SALT$HASH) from netloom ftp-passwd;"
                    + " --user NAME --save writes it, and NAME into ftp.users, to netloom.local.properties");
    public static final Key<String> HOME = Key.string("user.*.home", null,
            "the user's home directory, relative to root (default: the user's name)");
    public static final Key<Boolean> WRITE = Key.bool("user.*.write", false, "whether the user may change files");
    public static final Key<Boolean> ANONYMOUS_ENABLED = Key.bool("anonymous", false,
            "allow anonymous read-only logins (user anonymous or ftp, any password)");
    public static final Key<String> ANONYMOUS_HOME = Key.string("anonymous.home", "pub",
            "the anonymous user's directory, relative to root");
    public static final Key<PortRange> PASSIVE_PORTS = new Key<>("passive-ports", new PortRange(50000, 50100),
            FtpConfig::parseRange, "a port range such as 50000-50100 (0-0 = any free port)",
            "ports for passive data connections");
    public static final Key<Duration> LOGIN_DELAY = Key.duration("login-delay", Duration.ofSeconds(1),
            "wait before answering a failed login");
    public static final Key<Integer> MAX_LOGIN_FAILURES = Key.integer("max-login-failures", 3, 1, 1000,
            "failed logins after which the connection is closed with 421");
    public static final Key<Integer> MAX_PER_IP = PerIpLimit.key("control connections");
    public static final Key<Duration> DATA_TIMEOUT = Key.duration("data-timeout", Duration.ofSeconds(60),
            "how long a data connection may wait for its peer or stay silent");

    public FtpConfig {
        if (passiveFrom > passiveTo || passiveFrom < 0 || passiveTo > 65535) {
            throw new IllegalArgumentException("passive-ports must be FROM-TO within 0-65535");
        }
        if (loginDelay.isNegative() || dataTimeout.isNegative()) {
            throw new IllegalArgumentException("durations cannot be negative");
        }
        users = Map.copyOf(users);
    }

    public static List<Key<?>> keys() {
        List<Key<?>> keys = new ArrayList<>(TcpConfig.keys(DEFAULT_PORT));
        keys.addAll(List.of(ROOT, USERS, PASSWORD, HOME, WRITE, ANONYMOUS_ENABLED, ANONYMOUS_HOME, PASSIVE_PORTS,
                LOGIN_DELAY, MAX_LOGIN_FAILURES, MAX_PER_IP, DATA_TIMEOUT));
        keys.addAll(TlsIdentity.keys());
        return keys;
    }

    public static FtpConfig from(Settings s) {
        return Settings.build(s.service(), () -> {
            Map<String, FtpUser> users = new LinkedHashMap<>();
            for (Map.Entry<String, String> account : PasswordHash.users(s, USERS, PASSWORD, "ftp-passwd").entrySet()) {
                String name = account.getKey();
                String home = s.get(HOME, name);
                if (home != null && escapes(home)) {
                    throw new IllegalArgumentException(HOME.forPart(name).name() + " '" + home
                            + "' must be a directory under root");
                }
                users.put(name, new FtpUser(name, account.getValue(), home == null ? name : home, s.get(WRITE, name)));
            }
            if (escapes(s.get(ANONYMOUS_HOME))) {
                throw new IllegalArgumentException("anonymous.home must be a directory under root");
            }
            if (s.get(ANONYMOUS_ENABLED)) {
                users.put(ANONYMOUS, new FtpUser(ANONYMOUS, null, s.get(ANONYMOUS_HOME), false));
            }
            PortRange ports = s.get(PASSIVE_PORTS);
            return new FtpConfig(s.path(ROOT), users, ports.from(), ports.to(), s.get(LOGIN_DELAY),
                    s.get(MAX_LOGIN_FAILURES), s.get(MAX_PER_IP), s.get(DATA_TIMEOUT));
        });
    }

    /** A range of ports, written {@code FROM-TO} in the config. */
    public record PortRange(int from, int to) {
        @Override
        public String toString() {
            return from + "-" + to;
        }
    }

    /** True when a home, relative to the root, would not lie under it. */
    private static boolean escapes(String home) {
        Path p = Path.of(home).normalize();
        return p.isAbsolute() || p.startsWith("..");
    }

    private static PortRange parseRange(String s) {
        String[] ends = s.split("-", -1);
        if (ends.length != 2) {
            return null;
        }
        int from = Integer.parseInt(ends[0].strip());
        int to = Integer.parseInt(ends[1].strip());
        return from <= to && from >= 0 && to <= 65535 ? new PortRange(from, to) : null;
    }
}
