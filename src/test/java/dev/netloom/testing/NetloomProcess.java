package dev.netloom.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * {@code netloom ARGS...} ({@code dev.netloom.Main} on this test's class path) in a JVM of its
 * own, for tests that kill it, give it a small heap or a file limit, or check its exit code.
 * stdout and stderr are drained concurrently from the start, so neither pipe ever fills.
 * <pre>
 * try (NetloomProcess kv = NetloomProcess.in(home).jvm("-Xmx64m").start("serve", "kv", "kv.port=0")) {
 *     int port = kv.port("kv");
 *     ...
 * }
 * NetloomProcess.Result r = NetloomProcess.in(home).stdin("").run("kv", port, "get", "k");
 * </pre>
 */
public final class NetloomProcess implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outReader;
    private final Thread errReader;

    private NetloomProcess(Process process) {
        this.process = process;
        this.outReader = Thread.ofVirtual().start(() -> drain(process.getInputStream(), out));
        this.errReader = Thread.ofVirtual().start(() -> drain(process.getErrorStream(), err));
    }

    /** A launch with {@code -Dnetloom.home=home}. */
    public static Launcher in(Path home) {
        return new Launcher(home);
    }

    /** What a finished run left: its exit code, stdout and stderr. */
    public record Result(int code, String out, String err) {
    }

    /** How to launch: JVM options, environment, file limit, directory, stdin. */
    public static final class Launcher {
        private final Path home;
        private final List<String> jvm = new ArrayList<>();
        private final Map<String, String> env = new HashMap<>();
        private int fdLimit;
        private Path directory;
        private String stdin;
        private boolean mergeErr;

        private Launcher(Path home) {
            this.home = home;
        }

        /** JVM options before the class path, e.g. -Xmx64m. */
        public Launcher jvm(String... options) {
            jvm.addAll(List.of(options));
            return this;
        }

        /** An environment variable (NETLOOM_LOG). */
        public Launcher env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Launcher env(Map<String, String> variables) {
            env.putAll(variables);
            return this;
        }

        /** Runs the JVM under {@code ulimit -n fdLimit} (0: no limit set). */
        public Launcher fdLimit(int limit) {
            this.fdLimit = limit;
            return this;
        }

        /** The working directory. */
        public Launcher directory(Path dir) {
            this.directory = dir;
            return this;
        }

        /** Writes {@code text} to its stdin and closes it ("" for an empty stdin); without it stdin stays open. */
        public Launcher stdin(String text) {
            this.stdin = text;
            return this;
        }

        /** stderr into stdout, in the order written, as {@code 2>&1}. */
        public Launcher mergeErr() {
            this.mergeErr = true;
            return this;
        }

        public NetloomProcess start(String... args) throws IOException {
            List<String> cmd = new ArrayList<>();
            if (fdLimit > 0) {
                cmd.addAll(List.of("bash", "-c", "ulimit -n " + fdLimit + " && exec \"$@\"", "netloom"));
            }
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.addAll(jvm);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "-Dnetloom.home=" + home,
                    "-Dnetloom.tty=false", "dev.netloom.Main"));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(mergeErr);
            pb.environment().putAll(env);
            if (directory != null) {
                pb.directory(directory.toFile());
            }
            NetloomProcess p = new NetloomProcess(pb.start());
            if (stdin != null) {
                try (OutputStream in = p.process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // it exited without reading its stdin
                }
            }
            return p;
        }

        /** Starts {@code args}, waits for the exit, and returns the code and the output. */
        public Result run(String... args) throws Exception {
            NetloomProcess p = start(args);
            int code = p.waitFor();
            return new Result(code, p.out(), p.err());
        }
    }

    private static void drain(InputStream from, ByteArrayOutputStream to) {
        byte[] buf = new byte[8192];
        try (from) {
            for (int n; (n = from.read(buf)) >= 0; ) {
                synchronized (to) {
                    to.write(buf, 0, n);
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    public Process process() {
        return process;
    }

    /** Its stdin, for a test that types into it. */
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    /** stdout so far. */
    public String out() {
        return new String(outBytes(), StandardCharsets.UTF_8);
    }

    public byte[] outBytes() {
        synchronized (out) {
            return out.toByteArray();
        }
    }

    /** stderr so far. */
    public String err() {
        synchronized (err) {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits until stdout contains {@code text} (fails if the process exits first); returns stdout so far. */
    public String awaitOut(String text) {
        awaitOut(Pattern.compile(Pattern.quote(text)));
        return out();
    }

    /** The port of {@code service} from its "SERVICE listening on 127.0.0.1:PORT" line. */
    public int port(String service) {
        Pattern line = Pattern.compile("(?m)^" + Pattern.quote(service) + " listening on 127\\.0\\.0\\.1:(\\d+)");
        return Integer.parseInt(awaitOut(line).group(1));
    }

    /** Waits until stdout has a match of {@code regex} (fails if the process exits first); returns the first match. */
    public Matcher awaitMatch(String regex) {
        return awaitOut(Pattern.compile(regex));
    }

    private Matcher awaitOut(Pattern pattern) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                .until(() -> pattern.matcher(out()).find() || !process.isAlive() && !outReader.isAlive());
        Matcher m = pattern.matcher(out());
        if (!m.find()) {
            throw new AssertionError("netloom exited (" + process.exitValue() + ") without printing '" + pattern
                    + "'\nstdout:\n" + out() + "\nstderr:\n" + err());
        }
        return m;
    }

    /** Waits for the exit (at most a minute) and for all of its output; returns the exit code. */
    public int waitFor() throws InterruptedException {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("netloom did not exit:\n" + out() + err());
        }
        outReader.join(WAIT);
        errReader.join(WAIT);
        return process.exitValue();
    }

    /** SIGTERM (the shutdown hooks run, as on Ctrl-C), then waits for the exit; returns the exit code. */
    public int stop() throws InterruptedException {
        process.toHandle().destroy();
        return waitFor();
    }

    /** SIGKILL: nothing runs on the way out; waits for the exit and returns the exit code (137). */
    public int kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        return waitFor();
    }

    /** Kills it if it is still running. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
