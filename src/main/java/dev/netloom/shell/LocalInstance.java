package dev.netloom.shell;

import dev.netloom.core.AbstractService;
import dev.netloom.core.ConnectionInfo;
import dev.netloom.core.HostPort;
import dev.netloom.core.Logging;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.ServiceState;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.TcpConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** This process's services, through its {@link ServiceRegistry}: the shell that {@code netloom} opens. */
final class LocalInstance implements Instance {

    private final ServiceRegistry registry;
    private final Path logsDir;

    LocalInstance(ServiceRegistry registry, Path logsDir) {
        this.registry = registry;
        this.logsDir = logsDir;
    }

    ServiceRegistry registry() {
        return registry;
    }

    Path logsDir() {
        return logsDir;
    }

    @Override
    public String prompt() {
        return Shell.PROMPT;
    }

    @Override
    public String where() {
        return "in this session";
    }

    @Override
    public List<ServiceView> services() {
        registry.current(); // the files as they are now, as start would read them
        return registry.types().stream().map(t -> view(t, registry.instance(t.name()).orElse(null))).toList();
    }

    @Override
    public ServiceView service(String name) {
        return view(registry.type(name), registry.instance(name).orElse(null));
    }

    @Override
    public List<ServiceView> started() {
        return registry.instances().stream().map(s -> view(registry.type(s.name()), s)).toList();
    }

    private ServiceView view(ServiceType type, Service s) {
        boolean live = s != null && !s.state().finished();
        Settings settings = live ? s.settings() : registry.settings(type.name(), Map.of());
        return new ServiceView(type.name(), type.transport(), type.description(), s == null ? null : s.state(),
                s == null ? "-" : HostPort.format(s.address()), String.valueOf(settings.get(TcpConfig.PORT)),
                s == null ? null : s.stats(), s == null || s.state() != ServiceState.FAILED ? null
                : s.failure().map(Throwable::getMessage).orElse("unknown cause"), s == null ? List.of() : s.details());
    }

    @Override
    public Started start(String name, Map<String, String> overrides) {
        return started(registry.start(name, overrides));
    }

    @Override
    public Started restart(String name, Map<String, String> overrides) {
        return started(registry.restart(name, overrides));
    }

    private Started started(Service s) {
        return new Started(AbstractService.listening(s), registry.type(s.name()).warnings(s.settings()));
    }

    @Override
    public String stop(String name, Duration grace) {
        return registry.stop(name, grace).describe();
    }

    @Override
    public List<ConnectionInfo> connections(String name) {
        return registry.running(name).connections();
    }

    @Override
    public boolean kill(String name, long id) {
        return registry.running(name).kill(id);
    }

    @Override
    public ConfigView config(String name) {
        Optional<Service> live = registry.live(name);
        Settings settings = registry.effective(name);
        return new ConfigView(live.isPresent(), settings.entries().stream().map(e -> new Setting(e.key().name(), e.text(),
                e.source().name().toLowerCase(Locale.ROOT), e.key().description())).toList());
    }

    @Override
    public Log log() {
        return new LogFile(Logging.current(logsDir));
    }
}
