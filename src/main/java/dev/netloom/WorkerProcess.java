package dev.netloom;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One worker JVM of {@code serve --workers}: {@code netloom serve --worker-of MASTER ...} started by
 * the {@link Master}, its stderr the master's, its stdout read here. The worker prints its
 * listening lines, then {@link #READY}; {@link #ready()} completes with those lines then, or
 * fails when the process ends first. Lines after it are passed on to the master's stdout.
 */
final class WorkerProcess {

    /** The line a worker prints once every service listens (and privileges are dropped). */
    static final String READY = "netloom worker ready";

    /** What the master is doing with a worker, as {@code status} shows it. */
    enum State { STARTING, RUNNING, DRAINING, EXITED }

    private final int slot;
    private final int restarts;
    private final Process process;
    private final Instant started = Instant.now();
    private final CompletableFuture<List<String>> ready = new CompletableFuture<>();
    private volatile State state = State.STARTING;

    private WorkerProcess(int slot, int restarts, Process process, PrintStream out) {
        this.slot = slot;
        this.restarts = restarts;
        this.process = process;
        Thread.ofPlatform().name("worker-" + slot + "-out").daemon().start(() -> read(out));
        process.onExit().thenRun(() -> ready.completeExceptionally(new IllegalStateException(
                "worker " + slot + " (pid " + process.pid() + ") exited with " + process.exitValue() + " before it listened")));
    }

    /** Starts {@code command} as worker {@code slot} (1..N), restarted {@code restarts} times before. */
    static WorkerProcess start(List<String> command, int slot, int restarts, PrintStream out) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.INHERIT) // never a pipe nobody writes
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        return new WorkerProcess(slot, restarts, p, out);
    }

    private void read(PrintStream out) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (ready.isDone()) {
                    out.println(line);
                } else if (line.equals(READY)) {
                    ready.complete(List.copyOf(lines));
                } else {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            // the worker is gone: onExit says so
        }
    }

    /** Completes with the worker's listening lines once it prints {@link #READY}; fails if it exits first. */
    CompletableFuture<List<String>> ready() {
        return ready;
    }

    int slot() {
        return slot;
    }

    int restarts() {
        return restarts;
    }

    long pid() {
        return process.pid();
    }

    Instant started() {
        return started;
    }

    Duration uptime() {
        return Duration.between(started, Instant.now());
    }

    State state() {
        return process.isAlive() ? state : State.EXITED;
    }

    void state(State s) {
        state = s;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The exit code; only once it exited. */
    int exitValue() {
        return process.exitValue();
    }

    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** SIGTERM: the worker stops its services, each within its grace period, and exits. */
    void terminate() {
        process.destroy();
    }

    /** SIGKILL. */
    void kill() {
        process.destroyForcibly();
    }
}
