package dev.netloom.shell;

import dev.netloom.core.ServiceRegistry;
import org.awaitility.core.ConditionTimeoutException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

import static org.awaitility.Awaitility.await;

/**
 * The interactive shell on a dumb JLine terminal over streams, as a user at a keyboard: keys are
 * typed into it, and what it prints is read back from its screen. The shell's loop runs on its
 * own thread; {@link #close} types {@code quit} and waits for it to end.
 */
final class TerminalSession implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final PipedOutputStream keyboard = new PipedOutputStream();
    private final PipedInputStream keys;
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final Terminal terminal;
    private final Shell shell;
    private final Thread loop;
    /** How much of the screen was written when the last keys were typed. */
    private volatile int typedAt;

    TerminalSession(ServiceRegistry registry, Path logs) throws IOException {
        this(terminal -> Terminals.shell(registry, logs, terminal, null));
    }

    /** The shell {@code make} builds on the session's terminal ({@link Terminals#attachedShell}). */
    TerminalSession(Function<Terminal, Shell> make) throws IOException {
        keys = new PipedInputStream(keyboard, 64 * 1024);
        terminal = TerminalBuilder.builder().system(false).streams(keys, screen).type("dumb")
                .encoding(StandardCharsets.UTF_8).build();
        shell = make.apply(terminal);
        loop = Thread.ofPlatform().name("shell-under-test").start(shell::runInteractive);
    }

    Shell shell() {
        return shell;
    }

    Terminal terminal() {
        return terminal;
    }

    void type(String text) throws IOException {
        typedAt = screen.size();
        keyboard.write(text.getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    /** True once the shell has read every key typed so far. */
    boolean keysRead() throws IOException {
        return keys.available() == 0;
    }

    /** Everything the terminal has shown, line ends as a terminal writes them (CRLF). */
    String screen() {
        return screen.toString(StandardCharsets.UTF_8);
    }

    /** What the terminal has shown since the last keys were typed (all of it before any). */
    String sinceInput() {
        byte[] all = screen.toByteArray();
        int from = Math.min(typedAt, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    /**
     * Waits until the screen shows {@code text} after the last keys typed, so that an answer to an
     * earlier line never passes for the answer to this one (line ends in it may be LF or CRLF).
     */
    void awaitScreen(String text) {
        try {
            await().atMost(WAIT).until(() -> {
                String shown = sinceInput();
                return shown.contains(text) || shown.replace("\r\n", "\n").contains(text);
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("screen since the last input does not show '" + text + "':\n" + sinceInput()
                    + "\n--- whole screen:\n" + screen(), e);
        }
    }

    /** Waits until the shell shows {@code prompt} and waits for input (so a key is read by that prompt). */
    void awaitPrompt(String prompt) {
        try {
            await().atMost(WAIT).until(() -> screen().endsWith(prompt));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no prompt '" + prompt + "':\n" + screen(), e);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (loop.isAlive()) {
                type("quit\n");
            }
            loop.join(WAIT.toMillis());
        } finally {
            terminal.close();
        }
    }
}
