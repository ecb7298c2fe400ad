package dev.netloom;

import dev.netloom.core.ConfigException;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.Settings;
import dev.netloom.core.TcpConfig;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The master of {@code serve --workers N} (docs/production.md): it binds nothing, starts N worker
 * JVMs ({@code netloom serve --worker-of PID ...}, each binding the services' ports with
 * {@code SO_REUSEPORT}), and then only reacts, one event at a time on its main thread:
 * <ul>
 *   <li>a worker that exits on its own is started again after a backoff (100 ms, doubling to 10 s;
 *       back to 100 ms once a worker ran a minute);</li>
 *   <li>SIGHUP reloads: the config is read again and checked, N new workers start beside the old
 *       ones, and once every new one listens the old ones get SIGTERM and drain (each service within
 *       its grace period). A config that does not check, or a new worker that does not come up,
 *       leaves the old workers serving and says why;</li>
 *   <li>SIGTERM or SIGINT stops every worker gracefully and ends with exit 0.</li>
 * </ul>
 * A port 0 is chosen once by the master (a free port, bound and released) and given to every worker,
 * the new ones of a reload included: workers can only share a port they all name.
 * What happens is said on stdout, a line each; SIGUSR1 prints {@link #status()}, the table of workers.
 */
final class Master {

    private static final System.Logger LOG = System.getLogger(Master.class.getName());
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** A worker that ran this long before it died starts again after the first backoff. */
    private static final Duration STEADY = Duration.ofMinutes(1);
    private static final Duration READY_WAIT = Duration.ofSeconds(60);

    private final ServiceRegistry registry;
    private final Path config;
    private final ServeOptions options;
    private final List<String> names;
    private final Map<String, Map<String, String>> overrides;
    private final CountDownLatch stop;
    private final PrintStream out = System.out;
    private final BlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("master-timer").daemon().unstarted(r));
    /** Ports the master chose for services configured with port 0, kept across reloads. */
    private final Map<String, Integer> chosen = new HashMap<>();
    private final WorkerProcess[] current;
    private final Duration[] backoff;
    private final List<WorkerProcess> draining = new ArrayList<>();
    private List<String> command;
    private Duration grace = Duration.ZERO;
    private boolean stopping;

    Master(ServiceRegistry registry, Path config, ServeOptions options, List<String> names,
           Map<String, Map<String, String>> overrides, CountDownLatch stop) {
        this.registry = registry;
        this.config = config;
        this.options = options;
        this.names = List.copyOf(names);
        this.overrides = overrides;
        this.stop = stop;
        this.current = new WorkerProcess[options.workers()];
        this.backoff = new Duration[options.workers()];
    }

    /** Runs until SIGTERM/SIGINT: 0 then; 1 when the first workers do not come up; 2 for a config error. */
    int run() {
        try {
            command = command();
        } catch (ConfigException e) {
            out.flush();
            System.err.println("netloom serve: " + e.getMessage());
            return 2;
        }
        Signal.handle(new Signal("HUP"), s -> events.add(this::reload));
        Signal.handle(new Signal("USR1"), s -> events.add(() -> status().forEach(this::say)));
        // the master's few threads are platform threads: pinned to one CPU (bench/workers.sh's taskset)
        // virtual threads share one carrier, and a SIGTERM once went unheeded there (docs/production.md)
        Thread.ofPlatform().name("master-stop").daemon().start(() -> {
            try {
                stop.await();
            } catch (InterruptedException e) {
                return;
            }
            events.add(() -> stopping = true);
        });
        migrateWarning();
        List<WorkerProcess> first;
        try {
            first = startGeneration();
        } catch (IOException | RuntimeException e) {
            System.err.println("netloom serve: " + e.getMessage());
            return 1;
        }
        adopt(first);
        first.getFirst().ready().join().forEach(out::println);
        say("netloom master (pid " + ProcessHandle.current().pid() + "): " + first.size() + " workers ready (pids "
                + pids(first) + "); SIGHUP reloads, SIGUSR1 prints their status, SIGTERM stops");
        while (!stopping) {
            try {
                events.take().run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "master: " + e, e);
            }
        }
        shutdown();
        return 0;
    }

    /** The workers as {@code status} shows them: slot, pid, started, restarts, state, one line each. */
    List<String> status() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%-7s %-8s %-25s %-9s %s", "WORKER", "PID", "STARTED", "RESTARTS", "STATE"));
        List<WorkerProcess> all = new ArrayList<>(Arrays.stream(current).filter(Objects::nonNull).toList());
        all.addAll(draining);
        for (WorkerProcess w : all) {
            lines.add(String.format("%-7d %-8d %-25s %-9d %s", w.slot(), w.pid(), w.started(), w.restarts(),
                    w.state().name().toLowerCase(Locale.ROOT)));
        }
        return lines;
    }

    private void say(String line) {
        out.println(line);
        out.flush();
        LOG.log(Level.INFO, line);
    }

    /**
     * Starts N workers of the current command and waits until every one listens.
     *
     * @throws IllegalStateException naming the worker that exited or did not come up (all are killed then)
     */
    private List<WorkerProcess> startGeneration() throws IOException {
        List<WorkerProcess> started = new ArrayList<>();
        try {
            for (int slot = 1; slot <= current.length; slot++) {
                started.add(WorkerProcess.start(command, slot, 0, out));
            }
            CompletableFuture.allOf(started.stream().map(WorkerProcess::ready).toArray(CompletableFuture[]::new))
                    .get(READY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return started;
        } catch (ExecutionException e) {
            started.forEach(WorkerProcess::kill);
            throw new IllegalStateException(e.getCause().getMessage() + " (its stderr above says why)", e);
        } catch (TimeoutException e) {
            started.forEach(WorkerProcess::kill);
            throw new IllegalStateException("the workers did not all listen within " + READY_WAIT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            started.forEach(WorkerProcess::kill);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (IOException e) {
            started.forEach(WorkerProcess::kill);
            throw e;
        }
    }

    /** Makes {@code generation} the current workers, each one's exit an event. */
    private void adopt(List<WorkerProcess> generation) {
        for (WorkerProcess w : generation) {
            w.state(WorkerProcess.State.RUNNING);
            current[w.slot() - 1] = w;
            watch(w);
        }
    }

    private void watch(WorkerProcess w) {
        w.onExit().thenRun(() -> events.add(() -> exited(w)));
    }

    private void exited(WorkerProcess w) {
        if (stopping) {
            return;
        }
        if (draining.remove(w)) {
            say("worker " + w.slot() + " (pid " + w.pid() + ") drained and exited with " + w.exitValue());
            return;
        }
        int i = w.slot() - 1;
        if (current[i] != w) {
            return;
        }
        Duration wait = w.uptime().compareTo(STEADY) >= 0 || backoff[i] == null ? FIRST_BACKOFF
                : min(backoff[i].multipliedBy(2), MAX_BACKOFF);
        backoff[i] = wait;
        say("worker " + w.slot() + " (pid " + w.pid() + ") exited with " + w.exitValue() + "; restart "
                + (w.restarts() + 1) + " in " + wait.toMillis() + " ms");
        timer.schedule(() -> events.add(() -> respawn(w)), wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts a worker in the place of {@code dead}, unless a reload or a stop came meanwhile. */
    private void respawn(WorkerProcess dead) {
        int i = dead.slot() - 1;
        if (stopping || current[i] != dead) {
            return;
        }
        WorkerProcess w;
        try {
            w = WorkerProcess.start(command, dead.slot(), dead.restarts() + 1, out);
        } catch (IOException e) {
            say("worker " + dead.slot() + " could not be started: " + e.getMessage());
            timer.schedule(() -> events.add(() -> respawn(dead)), MAX_BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        current[i] = w;
        watch(w);
        w.ready().thenRun(() -> events.add(() -> {
            if (w.alive() && current[i] == w) {
                w.state(WorkerProcess.State.RUNNING);
                say("worker " + w.slot() + " (pid " + w.pid() + ") ready (restart " + w.restarts() + ")");
            }
        }));
    }

    /** SIGHUP: new workers with the config as it is now, then the old ones drain. */
    private void reload() {
        if (stopping) {
            return;
        }
        List<String> before = command;
        try {
            registry.current();
            command = command();
        } catch (ConfigException e) {
            say("reload failed: " + e.getMessage() + "; the old workers keep serving");
            return;
        }
        List<WorkerProcess> generation;
        try {
            generation = startGeneration();
        } catch (IOException | RuntimeException e) {
            command = before;
            say("reload failed: " + e.getMessage() + "; the old workers keep serving");
            return;
        }
        List<WorkerProcess> old = Arrays.stream(current).filter(w -> w != null && w.alive()).toList();
        adopt(generation);
        Arrays.fill(backoff, null);
        for (WorkerProcess w : old) {
            w.state(WorkerProcess.State.DRAINING);
            draining.add(w);
            w.terminate();
            timer.schedule(w::kill, grace.plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        }
        say("reload: " + generation.size() + " new workers ready (pids " + pids(generation) + "); old workers draining (pids "
                + pids(old) + ")");
    }

    /** SIGTERM to every worker; each stops its services within their grace; SIGKILL after grace + 10 s. */
    private void shutdown() {
        List<WorkerProcess> all = new ArrayList<>(Arrays.stream(current).filter(Objects::nonNull).toList());
        all.addAll(draining);
        all.forEach(WorkerProcess::terminate);
        long deadline = System.nanoTime() + grace.plusSeconds(10).toNanos();
        for (WorkerProcess w : all) {
            try {
                w.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                w.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                w.kill();
            }
        }
        timer.shutdownNow();
    }

    /**
     * The worker's command line: this JVM (its options, class path) running
     * {@code serve --worker-of PID [--user NAME] SVC... overrides SVC.port=P SVC.reuse-port=true admin.enabled=false}.
     * Checks every service's settings as the config files are now (a ConfigException says what is wrong).
     */
    private List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib:jdwp") && !arg.startsWith("-Xrunjdwp")) { // a debugger's port is one process's
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        if (config != null) {
            cmd.addAll(List.of("--config", config.toAbsolutePath().toString()));
        }
        cmd.addAll(List.of("serve", "--worker-of", Long.toString(ProcessHandle.current().pid())));
        if (options.user() != null) {
            cmd.addAll(List.of("--user", options.user()));
        }
        cmd.addAll(names);
        Duration longest = Duration.ZERO;
        for (String name : names) {
            Map<String, String> own = overrides.getOrDefault(name, Map.of());
            Settings s = registry.settings(name, own);
            own.forEach((k, v) -> cmd.add(name + "." + k + "=" + v));
            int port = s.get(TcpConfig.PORT);
            if (port == 0) {
                port = chosen.computeIfAbsent(name, n -> freePort(s.get(TcpConfig.HOST)));
            }
            cmd.add(name + ".port=" + port);
            cmd.add(name + ".reuse-port=true");
            if (s.get(TcpConfig.DRAIN_IDLE).isZero()) {
                cmd.add(name + ".drain-idle=1s");
            }
            Duration g = s.get(TcpConfig.GRACE);
            longest = g.compareTo(longest) > 0 ? g : longest;
        }
        overrides.getOrDefault("admin", Map.of()).forEach((k, v) -> cmd.add("admin." + k + "=" + v));
        cmd.add("admin.enabled=false");
        grace = longest;
        return cmd;
    }

    /** Says when the kernel will reset the connections queued at an old worker's listener on a reload. */
    private static void migrateWarning() {
        Path sysctl = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");
        try {
            if (Files.exists(sysctl) && Files.readString(sysctl).strip().equals("0")) {
                System.err.println("netloom serve: net.ipv4.tcp_migrate_req is 0: a reload resets connections queued"
                        + " at an old worker's listener as it closes; set it to 1 (dist/netloom-sysctl.conf)");
            }
        } catch (IOException e) {
            // nothing to say
        }
    }

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new ConfigException("no free port on " + host + " for the workers: " + e.getMessage());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String pids(List<WorkerProcess> workers) {
        return String.join(", ", workers.stream().map(w -> Long.toString(w.pid())).toList());
    }
}
