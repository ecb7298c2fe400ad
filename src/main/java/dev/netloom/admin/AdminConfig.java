package dev.netloom.admin;

import dev.netloom.core.Key;
import dev.netloom.core.Settings;
import dev.netloom.core.TcpConfig;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the {@code admin} listener beyond the common TCP ones (default 127.0.0.1:9091).
 *
 * @param enabled      started by the shell and by {@code serve} (true); an explicit {@code start admin} works either way
 * @param auth         when a token is required: {@link Auth#AUTO} off a loopback address, {@link Auth#TOKEN} always
 * @param token        the API's bearer token; empty: generated at the first start that needs one into
 *                     {@code admin.token} in the netloom home (mode 600)
 * @param metricsToken the token {@code /metrics} requires; empty: {@code /metrics} is open
 * @param logLines     most lines {@code /api/logs} returns (1000)
 */
public record AdminConfig(boolean enabled, Auth auth, String token, String metricsToken, int logLines) {

    public static final int DEFAULT_PORT = 9091;
    /** The file a generated token is kept in, in the netloom home. */
    public static final String TOKEN_FILE = "admin.token";

    public static final Key<Boolean> ENABLED = Key.bool("enabled", true,
            "start the admin listener with the shell and with serve (start admin works either way)");
    public static final Key<Auth> AUTH = Key.choice("auth", Auth.AUTO,
            "when the API asks for a bearer token: auto (only when bound off loopback) or token (always)");
    public static final Key<String> TOKEN = new Key<>("token", "", s -> s.isEmpty() || s.length() >= 16 ? s : null,
            "at least 16 characters, or empty",
            "bearer token of the API; empty: one generated into admin.token in the netloom home (mode 600)");
    public static final Key<String> METRICS_TOKEN = new Key<>("metrics-token", "",
            s -> s.isEmpty() || s.length() >= 16 ? s : null, "at least 16 characters, or empty",
            "bearer token /metrics asks for; empty: /metrics needs none");
    public static final Key<Integer> LOG_LINES = Key.integer("log-lines", 1000, 1, 100_000,
            "most lines GET /api/logs returns");

    /** When the API requires the bearer token. */
    public enum Auth { AUTO, TOKEN }

    public static List<Key<?>> keys() {
        List<Key<?>> keys = new ArrayList<>(TcpConfig.keys(DEFAULT_PORT));
        keys.addAll(List.of(ENABLED, AUTH, TOKEN, METRICS_TOKEN, LOG_LINES));
        return keys;
    }

    public static AdminConfig from(Settings s) {
        return Settings.build(s.service(), () -> new AdminConfig(s.get(ENABLED), s.get(AUTH), s.get(TOKEN),
                s.get(METRICS_TOKEN), s.get(LOG_LINES)));
    }

    /**
     * Whether the API asks for the token on {@code host}: always under {@code auth=token}, else
     * unless {@code host} is a loopback address (127.0.0.0/8, ::1; {@code localhost}).
     * {@code 0.0.0.0} and {@code ::} listen on every interface, so they are not loopback.
     */
    public boolean tokenRequired(String host) {
        if (auth == Auth.TOKEN) {
            return true;
        }
        try {
            return !InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return true;
        }
    }
}
