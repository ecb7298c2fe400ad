package dev.netloom.shell;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.core.ConfigException;
import dev.netloom.core.ConnectionInfo;
import dev.netloom.core.HostPort;
import dev.netloom.core.ServiceState;
import dev.netloom.core.ServiceType;
import dev.netloom.core.StatsSnapshot;
import dev.netloom.tools.AdminClient;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Another netloom process, driven through its admin listener's JSON API with {@link AdminClient}
 * ({@code netloom attach}). What the API answers is turned into what the shell's commands print;
 * its errors into the shell's: 400 (a bad {@code key=value}) and an unknown service are usage
 * errors, 401 says how to pass the token, 409 and the rest fail the command, and so does an
 * instance that cannot be reached.
 */
final class AttachedInstance implements Instance {

    /** The most log lines {@code logs SERVICE} looks through for the service's (the API's default limit). */
    private static final int LOG_WINDOW = 1000;

    private final AdminClient client;

    AttachedInstance(AdminClient client) {
        this.client = client;
    }

    @Override
    public String prompt() {
        return "netloom@" + client.address() + "> ";
    }

    @Override
    public String where() {
        return "on " + client.address();
    }

    @Override
    public List<ServiceView> services() {
        JsonNode config = call(AdminClient::config);
        List<ServiceView> out = new ArrayList<>();
        for (JsonNode n : call(AdminClient::services)) {
            out.add(view(n, config.path(n.path("name").asText()).path("port").asText("-")));
        }
        return out;
    }

    @Override
    public ServiceView service(String name) {
        return view(call(c -> c.service(name)), "-");
    }

    @Override
    public List<ServiceView> started() {
        List<ServiceView> out = new ArrayList<>();
        for (JsonNode n : call(AdminClient::services)) {
            ServiceView v = view(n, "-");
            if (v.state() != null) {
                out.add(v);
            }
        }
        return out;
    }

    private static ServiceView view(JsonNode n, String port) {
        String state = n.path("state").asText();
        JsonNode st = n.path("stats");
        StatsSnapshot stats = st.isMissingNode() ? null : new StatsSnapshot(Duration.ofMillis(st.path("uptime_ms").asLong()),
                st.path("active").asInt(), st.path("accepted").asLong(), st.path("refused").asLong(),
                st.path("bytes_in").asLong(), st.path("bytes_out").asLong(), st.path("requests").asLong(),
                st.path("errors").asLong(), st.path("datagrams_in").asLong(), st.path("datagrams_out").asLong(),
                st.path("peers").asInt(), null);
        return new ServiceView(n.path("name").asText(),
                ServiceType.Transport.valueOf(n.path("transport").asText("tcp").toUpperCase(Locale.ROOT)),
                n.path("description").asText(),
                state.equals("not-started") ? null : ServiceState.valueOf(state.toUpperCase(Locale.ROOT)),
                n.path("address").asText("-"), port, stats,
                n.has("failure") ? n.path("failure").asText() : null, texts(n.path("details")));
    }

    @Override
    public Started start(String name, Map<String, String> overrides) {
        return started(call(c -> c.action(name, "start", overrides)));
    }

    @Override
    public Started restart(String name, Map<String, String> overrides) {
        return started(call(c -> c.action(name, "restart", overrides)));
    }

    private static Started started(JsonNode n) {
        return new Started(texts(n.path("listening")), texts(n.path("warnings")));
    }

    @Override
    public String stop(String name, Duration grace) {
        Map<String, String> params = new LinkedHashMap<>();
        if (grace != null) {
            params.put("grace", grace.toMillis() + "ms");
        }
        return call(c -> c.action(name, "stop", params)).path("stop").asText();
    }

    @Override
    public List<ConnectionInfo> connections(String name) {
        List<ConnectionInfo> out = new ArrayList<>();
        for (JsonNode n : call(c -> c.connections(name))) {
            out.add(new ConnectionInfo(n.path("id").asLong(), address(n.path("remote").asText()),
                    Duration.ofMillis(n.path("age_ms").asLong()), Duration.ofMillis(n.path("idle_ms").asLong()),
                    n.path("bytes_in").asLong(), n.path("bytes_out").asLong(), n.path("activity").asText()));
        }
        return out;
    }

    /** {@code HOST:PORT} as an address that formats back the same; any other text as it is. */
    private static SocketAddress address(String text) {
        try {
            return HostPort.parse(text, 0).unresolved();
        } catch (IllegalArgumentException e) {
            return new SocketAddress() {
                @Override
                public String toString() {
                    return text;
                }
            };
        }
    }

    @Override
    public boolean kill(String name, long id) {
        return call(c -> c.kill(name, id));
    }

    @Override
    public ConfigView config(String name) {
        JsonNode n = call(c -> c.config(name));
        List<Setting> settings = new ArrayList<>();
        for (JsonNode s : n.path("settings")) {
            settings.add(new Setting(s.path("key").asText(), s.path("value").asText(), s.path("source").asText(),
                    s.path("description").asText()));
        }
        return new ConfigView(n.path("running").asBoolean(), settings);
    }

    @Override
    public Log log() {
        return new Log() {
            @Override
            public String name() {
                return "the log of " + client.address();
            }

            @Override
            public boolean exists() {
                return true;
            }

            @Override
            public List<String> tail(Predicate<String> wanted, int lines) {
                if (lines == 0) {
                    return List.of();
                }
                JsonNode r;
                try {
                    r = call(c -> c.logs(Math.max(lines, LOG_WINDOW)));
                } catch (ConfigException e) { // a server whose admin.log-lines is smaller: the lines asked for
                    r = call(c -> c.logs(lines));
                }
                List<String> all = texts(r.path("lines")).stream().filter(wanted).toList();
                return all.subList(Math.max(0, all.size() - lines), all.size());
            }

            @Override
            public void follow(Predicate<String> wanted, Consumer<String> print) {
                call(c -> {
                    c.followLogs(l -> {
                        if (wanted.test(l)) {
                            print.accept(l);
                        }
                    });
                    return null;
                });
                Thread.interrupted(); // Ctrl-C ended the follow, not the shell
            }
        };
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(t -> out.add(t.asText()));
        return out;
    }

    /** One use of the client, its failures in the shell's terms. */
    private <T> T call(Call<T> work) {
        try {
            return work.apply(client);
        } catch (ConnectException e) {
            throw new ShellException(unreachable(client));
        } catch (HttpTimeoutException e) {
            throw new ShellException("the admin API at " + client.address() + " did not answer in time");
        } catch (AdminClient.Refused e) {
            throw refused(client, e);
        } catch (IOException e) {
            throw new ShellException("admin API at " + client.address() + ": " + e.getMessage());
        }
    }

    /** What {@code attach} says when nothing answers at the address. */
    static String unreachable(AdminClient client) {
        return "cannot connect to the admin API at " + client.address() + ": connection refused"
                + " (is netloom running there, with its admin listener on that port? admin.port, admin.enabled)";
    }

    /** The API's refusal as the shell's error: a usage error (exit 2) for a bad request or an unknown service. */
    static RuntimeException refused(AdminClient client, AdminClient.Refused e) {
        if (e.status() == 401) {
            return new ShellException(client.hasToken()
                    ? "the admin API at " + client.address() + " refused the token (HTTP 401): pass the one the server"
                    + " uses (its admin.token key, or the admin.token file in its netloom home)"
                    : "the admin API at " + client.address() + " needs a token (HTTP 401): --token TOKEN, or"
                    + " NETLOOM_ADMIN_TOKEN (the server's admin.token key, or the admin.token file in its netloom home)");
        }
        if (e.status() == 400 || e.status() == 404 && e.getMessage().startsWith("unknown service")) {
            return new ConfigException(e.getMessage());
        }
        return new ShellException(e.getMessage());
    }

    /** One request of the client. */
    private interface Call<T> {
        T apply(AdminClient client) throws IOException;
    }
}
