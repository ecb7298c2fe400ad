package dev.netloom.shell;

import dev.netloom.tools.FtpClient;
import dev.netloom.tools.FtpClient.Reply;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;

/**
 * The {@code get} and {@code put} of the {@code ftp} command, shared by its prompt and its
 * one-shot forms: local files opened (appended to, or read from an offset, when resuming with
 * REST), a {@link ProgressBar} with rate when {@code progress} is set, and one summary line
 * after the transfer: {@code 226 Transfer complete: 1,048,576 bytes in 0.12 s (8.3 MiB/s)}.
 * Each exchange with the server runs on a virtual thread, so Ctrl-C (an interrupt of the
 * command's thread) ends it at once; the connection is then closed.
 */
final class FtpTransfers {

    private final Shell shell;
    private final boolean progress;
    private long start; // when the transfer now running began, for its summary

    FtpTransfers(Shell shell, boolean progress) {
        this.shell = shell;
        this.progress = progress;
    }

    /**
     * RETR {@code remote} into the file {@code into}, or into a file of the remote name when
     * {@code into} is a directory; with {@code resume}, from the local file's size on.
     */
    void get(FtpClient client, String remote, Path into, boolean resume) throws IOException {
        Path local = Files.isDirectory(into) ? into.resolve(remote.substring(remote.lastIndexOf('/') + 1)) : into;
        boolean existed = Files.exists(local);
        long offset = resume && existed ? Files.size(local) : 0;
        if (resume && !client.binary()) {
            throw new ShellException("get -c counts bytes: switch to binary first");
        }
        long total = -1;
        if (resume || progress) {
            total = call(() -> remoteSize(client, remote));
        }
        if (resume && total >= 0 && offset >= total) {
            if (offset > total) {
                throw new ShellException(local + " (" + offset + " bytes) is longer than " + remote + " (" + total + " bytes)");
            }
            shell.out().println(local + " is already complete (" + String.format(Locale.US, "%,d", total) + " bytes)");
            shell.out().flush();
            return;
        }
        OutputStream file;
        try {
            file = Files.newOutputStream(local, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    offset > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new ShellException("cannot write " + local + ": " + e);
        }
        long[] done = {0};
        Reply reply;
        try (OutputStream out = file) {
            reply = timed(total < 0 ? -1 : total - offset, done,
                    bar -> client.retrieve(remote, out, offset, n -> bar.accept(done[0] = n)));
        } catch (FtpClient.ReplyException e) {
            if (!existed && done[0] == 0) {
                Files.deleteIfExists(local); // nothing came: do not leave an empty file behind a 550
            }
            throw e;
        }
        summary(reply, done[0], offset);
    }

    /** STOR {@code local} as {@code remote}; with {@code resume}, from the server's SIZE on. */
    void put(FtpClient client, Path local, String remote, boolean resume) throws IOException {
        long length;
        try {
            length = Files.size(local);
        } catch (NoSuchFileException e) {
            throw new ShellException("no such file: " + local);
        }
        if (Files.isDirectory(local)) {
            throw new ShellException(local + " is a directory");
        }
        if (resume && !client.binary()) {
            throw new ShellException("put -c counts bytes: switch to binary first");
        }
        long offset = resume ? Math.max(0, call(() -> remoteSize(client, remote))) : 0;
        if (offset > length) {
            throw new ShellException(remote + " (" + offset + " bytes) is longer than " + local + " (" + length + " bytes)");
        }
        long[] done = {0};
        Reply reply;
        try (InputStream in = Files.newInputStream(local)) {
            in.skipNBytes(offset);
            reply = timed(length - offset, done, bar -> client.store(remote, in, offset, n -> bar.accept(done[0] = n)));
        }
        summary(reply, done[0], offset);
    }

    /** The remote size, or -1 when the server has no answer for it (no SIZE, or no such file yet). */
    private static long remoteSize(FtpClient client, String remote) throws IOException {
        try {
            return client.size(remote);
        } catch (FtpClient.ReplyException e) {
            return -1;
        }
    }

    private interface Transfer {
        Reply run(LongConsumer bar) throws IOException;
    }

    private Reply timed(long total, long[] done, Transfer transfer) throws IOException {
        ProgressBar bar = progress ? new ProgressBar(shell.out(), total) : null;
        start = System.nanoTime();
        try {
            return call(() -> transfer.run(n -> {
                if (bar != null) {
                    bar.update(n);
                }
            }));
        } finally {
            if (bar != null) {
                bar.finish(done[0]);
            }
        }
    }

    private void summary(Reply reply, long bytes, long offset) {
        double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        String text = reply.text().lines().findFirst().orElse("").strip();
        if (text.endsWith(".")) {
            text = text.substring(0, text.length() - 1);
        }
        shell.out().println(reply.code() + " " + text + ": " + String.format(Locale.US, "%,d bytes in %.2f s (%s/s)", bytes,
                seconds, Formats.bytes((long) (bytes / seconds))) + (offset > 0
                ? String.format(Locale.US, ", resumed at byte %,d", offset) : ""));
        shell.out().flush();
    }

    /** Runs {@code work} on a virtual thread that Ctrl-C interrupts (closing its sockets). */
    static <T> T call(Callable<T> work) throws IOException {
        return Interruptible.call("ftp-client", work, "interrupted (the connection is closed; get -c or put -c resumes)");
    }
}
