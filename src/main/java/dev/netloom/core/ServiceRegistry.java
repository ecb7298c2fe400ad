package dev.netloom.core;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Knows every service type (the catalogue) and the current instance of each: starts, stops and
 * restarts them by name. One instance per service name; a stopped or failed instance stays
 * visible to {@code status} until the next start.
 *
 * <p>The config files are read again at every {@link #start} and {@link #restart} (and by
 * {@link #reload}), so an edit made while the shell runs is used by the next start; a running
 * instance keeps the settings it was started with.
 */
public final class ServiceRegistry implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ServiceRegistry.class.getName());

    private final Map<String, ServiceType> types = new LinkedHashMap<>();
    private final Map<String, Service> instances = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> overridesUsed = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile ConfigFile file;
    private volatile ConfigFile reported;

    public ServiceRegistry(Collection<ServiceType> catalogue, ConfigFile file) {
        catalogue.forEach(t -> types.put(t.name(), t));
        this.file = file;
        this.reported = file;
    }

    public List<ServiceType> types() {
        return List.copyOf(types.values());
    }

    /** The type called {@code name}, or a ConfigException (a usage error) listing the known ones. */
    public ServiceType type(String name) {
        ServiceType t = types.get(name);
        if (t == null) {
            throw new ConfigException("unknown service '" + name + "'; services are " + String.join(", ", types.keySet()));
        }
        return t;
    }

    /** The config files as last read. */
    public ConfigFile configFile() {
        return file;
    }

    /** Reads the config files again, as they are now; a ConfigException (naming the file) when they do not check. */
    public ConfigFile current() {
        ConfigFile now = file.reload();
        file = now;
        return now;
    }

    /**
     * {@code config reload}: reads the config files again and returns the files as they were
     * at the previous reload (or at startup) and as they are now, to report what changed.
     * Running instances are not touched: they keep their settings until restarted.
     */
    public Reload reload() {
        lock.lock();
        try {
            ConfigFile now = current();
            Reload r = new Reload(reported, now);
            reported = now;
            return r;
        } finally {
            lock.unlock();
        }
    }

    /** The files before and after a {@link #reload}. */
    public record Reload(ConfigFile before, ConfigFile after) {
        /** What changed for one service: see {@link ConfigFile#changesSince}. */
        public List<String> changes(String service) {
            return after.changesSince(before, service);
        }
    }

    /** Settings the service would start with now: the files' values (as last read) plus {@code overrides}. */
    public Settings settings(String name, Map<String, String> overrides) {
        ConfigFile f = file;
        return type(name).settings(f.entries(name), f.localEntries(name), overrides, f.home());
    }

    /** The overrides the last start of {@code name} used (empty when it was never started). */
    public Map<String, String> overrides(String name) {
        lock.lock();
        try {
            return overridesUsed.getOrDefault(name, Map.of());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts service {@code name} with {@code overrides} ({@code key=value} without the prefix)
     * on top of the config files, read again now. What the settings draw from
     * {@link ServiceType#warnings} is logged at WARNING (the shell prints it too).
     *
     * @throws ConfigException  a bad key or value, here or in the files; nothing is started
     * @throws ServiceException already running, or it could not bind
     */
    public Service start(String name, Map<String, String> overrides) {
        ServiceType type = type(name);
        lock.lock();
        try {
            Service current = instances.get(name);
            if (current != null && !current.state().finished()) {
                throw new ServiceException(name + " is already " + current.state().name().toLowerCase()
                        + " on " + HostPort.format(current.address()));
            }
            current();
            Service service = type.create(settings(name, overrides));
            if (service instanceof RegistryAware aware) {
                aware.registry(this);
            }
            instances.put(name, service);
            overridesUsed.put(name, Map.copyOf(overrides));
            service.start();
            type.warnings(service.settings()).forEach(w -> LOG.log(Level.WARNING, w));
            return service;
        } finally {
            lock.unlock();
        }
    }

    /** Stops {@code name} with {@code grace}, or its configured grace when null. */
    public StopResult stop(String name, Duration grace) {
        Service s = running(name);
        return s.stop(grace != null ? grace : s.settings().get(TcpConfig.GRACE));
    }

    /** Stops {@code name} if it runs, then starts a fresh instance with the same overrides. */
    public Service restart(String name) {
        return restart(name, Map.of());
    }

    /**
     * Stops {@code name} if it runs, then starts a fresh instance with the config files as they
     * are now and the previous start's overrides with {@code more} on top (a key given again
     * takes the new value). The new settings are checked before anything is stopped: a bad
     * value leaves the running instance as it is.
     */
    public Service restart(String name, Map<String, String> more) {
        type(name);
        Map<String, String> merged = new LinkedHashMap<>(overrides(name));
        merged.putAll(more);
        current();
        settings(name, merged);
        Service current = instance(name).orElse(null);
        if (current != null && !current.state().finished()) {
            current.stop(current.settings().get(TcpConfig.GRACE));
        }
        return start(name, merged);
    }

    /** The instance of {@code name} that is running, or a ServiceException saying it is not. */
    public Service running(String name) {
        type(name);
        Service s = instance(name).orElse(null);
        if (s == null || s.state() != ServiceState.RUNNING) {
            throw new ServiceException(name + " is not running" + (s == null ? "" : " (" + s.state() + ")"));
        }
        return s;
    }

    /** The instance of {@code name} that has not finished (starting, running or stopping), if any. */
    public Optional<Service> live(String name) {
        return instance(name).filter(s -> !s.state().finished());
    }

    /**
     * The settings {@code config NAME} shows: the live instance's (what it runs with), else what
     * {@code start NAME} would use now (the config files read again, no overrides).
     *
     * @throws ConfigException an unknown service, or config files that no longer check
     */
    public Settings effective(String name) {
        type(name);
        return live(name).map(Service::settings).orElseGet(() -> {
            current();
            return settings(name, Map.of());
        });
    }

    public Optional<Service> instance(String name) {
        lock.lock();
        try {
            return Optional.ofNullable(instances.get(name));
        } finally {
            lock.unlock();
        }
    }

    /** Every instance started in this process, in start order, including stopped and failed ones. */
    public List<Service> instances() {
        lock.lock();
        try {
            return new ArrayList<>(instances.values());
        } finally {
            lock.unlock();
        }
    }

    /** Stops every running service, each with its own grace period, in parallel. */
    public void stopAll() {
        List<Thread> stoppers = new ArrayList<>();
        for (Service s : instances()) {
            if (!s.state().finished()) {
                stoppers.add(Thread.ofVirtual().name("stop-" + s.name()).start(s::close));
            }
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.log(Level.WARNING, "interrupted while stopping services");
                return;
            }
        }
    }

    @Override
    public void close() {
        stopAll();
    }
}
