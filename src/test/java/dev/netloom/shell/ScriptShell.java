package dev.netloom.shell;

import dev.netloom.core.ServiceRegistry;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The shell as scripts and {@code -c} run it (no terminal), with what it prints captured: text on
 * {@link #out} and {@link #err}, bytes written as they are ({@code mail raw}, {@code http}
 * bodies) on {@link #bytes}.
 */
final class ScriptShell {

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final Shell shell;
    /** The stderr text of the last {@link #run} or {@link #runOut}. */
    String lastErr = "";

    ScriptShell(ServiceRegistry registry, Path logs) {
        this(registry, logs, true);
    }

    /** {@code toBytes} false: bodies are printed as text on {@link #out}, as at a terminal. */
    ScriptShell(ServiceRegistry registry, Path logs, boolean toBytes) {
        Shell s = new Shell(registry, logs, new PrintWriter(out, true), new PrintWriter(err, true), null);
        shell = toBytes ? s.bytesTo(bytes) : s;
    }

    /** Runs {@code line}, checks its exit code, and returns its stdout then stderr text (both then cleared). */
    String run(int expectedCode, String line) {
        String o = runOut(expectedCode, line);
        return o + lastErr;
    }

    /** Runs {@code line}, checks its exit code, and returns its stdout (both cleared; stderr in {@link #lastErr}). */
    String runOut(int expectedCode, String line) {
        int code = shell.execute(line);
        String o = out.toString();
        lastErr = err.toString();
        assertEquals(expectedCode, code, line + " -> " + o + lastErr);
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return o;
    }
}
