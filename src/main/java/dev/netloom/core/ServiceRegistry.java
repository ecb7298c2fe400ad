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
 */
public final class ServiceRegistry implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ServiceRegistry.class.getName());

    private final Map<String, ServiceType> types = new LinkedHashMap<>();
    private final Map<String, Service> instances = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> overridesUsed = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile ConfigFile file;

    public ServiceRegistry(Collection<ServiceType> catalogue, ConfigFile file) {
        catalogue.forEach(t -> types.put(t.name(), t));
        this.file = file;
    }

    public List<ServiceType> types() {
        return List.copyOf(types.values());
    }

    /** The type called {@code name}, or a ServiceException listing the known ones. */
    public ServiceType type(String name) {
        ServiceType t = types.get(name);
        if (t == null) {
            throw new ServiceException("unknown service '" + name + "'; services are " + String.join(", ", types.keySet()));
        }
        return t;
    }

    public ConfigFile configFile() {
        return file;
    }

    /** Settings the service would start with now: the file's values plus {@code overrides}. */
    public Settings settings(String name, Map<String, String> overrides) {
        return type(name).settings(file.entries(name), overrides, file.home());
    }

    /**
     * Starts service {@code name} with {@code overrides} ({@code key=value} without the prefix)
     * on top of the config file.
     *
     * @throws ConfigException  a bad key or value; nothing is started
     * @throws ServiceException already running, or it could not bind
     */
    public Service start(String name, Map<String, String> overrides) {
        ServiceType type = type(name);
        lock.lock();
        try {
            Service current = instances.get(name);
            if (current != null && !current.state().finished()) {
                throw new ServiceException(name + " is already " + current.state().name().toLowerCase()
                        + " on " + AbstractService.format(current.address()));
            }
            Service service = type.create(settings(name, overrides));
            instances.put(name, service);
            overridesUsed.put(name, Map.copyOf(overrides));
            service.start();
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
        type(name);
        Service current = instance(name).orElse(null);
        if (current != null && !current.state().finished()) {
            current.stop(current.settings().get(TcpConfig.GRACE));
        }
        return start(name, overridesUsed.getOrDefault(name, Map.of()));
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
