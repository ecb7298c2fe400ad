package dev.netloom.shell;

import dev.netloom.http1.MessageHead;
import dev.netloom.tools.HttpFetch;
import dev.netloom.tools.HttpLimits;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the {@code http} command puts a response: heads (and with -v the request) as text
 * lines on the shell's output; the body as bytes to stdout when the shell has the raw stream,
 * else decoded as UTF-8 text (binary bodies are not shown on a terminal); or, with -o, to a
 * file, with a progress bar when {@code progress} is set. A file whose body passed
 * {@code --max-filesize} is deleted; after other failures what arrived is kept, as curl keeps it.
 */
final class HttpOutput implements HttpFetch.Listener {

    private final Shell shell;
    private final PrintWriter out;
    private final Path file;
    private final boolean verbose;
    private final boolean progress;
    private boolean midLine; // the text printed last did not end a line

    HttpOutput(Shell shell, Path file, boolean verbose, boolean progress) {
        this.shell = shell;
        this.out = shell.out();
        this.file = file;
        this.verbose = verbose;
        this.progress = progress;
    }

    /** Ends the line the body text left open, so an error message that follows starts on its own. */
    void endLine() {
        if (midLine) {
            out.print("\n");
            midLine = false;
        }
        out.flush();
    }

    @Override
    public void request(byte[] request) {
        if (verbose) {
            out.print(new String(request, StandardCharsets.UTF_8).replace("\r\n", "\n"));
            out.flush();
        }
    }

    @Override
    public void head(MessageHead head) {
        StringBuilder sb = new StringBuilder(head.startLine()).append('\n');
        for (int i = 0; i < head.fieldCount(); i++) {
            sb.append(head.name(i)).append(": ").append(head.value(i)).append('\n');
        }
        out.print(sb.append('\n'));
        out.flush();
    }

    @Override
    public void body(InputStream body, long length) throws IOException {
        if (file != null) {
            toFile(body, length);
        } else if (shell.bytesOut().isPresent()) {
            OutputStream raw = shell.bytesOut().get();
            body.transferTo(raw);
            raw.flush();
        } else {
            toText(body);
        }
    }

    private void toFile(InputStream body, long length) throws IOException {
        OutputStream to;
        try {
            to = Files.newOutputStream(file);
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + e, e);
        }
        ProgressBar bar = progress ? new ProgressBar(out, length) : null;
        long n = 0;
        try (to) {
            byte[] buf = new byte[64 * 1024];
            int k;
            while ((k = body.read(buf)) >= 0) {
                to.write(buf, 0, k);
                n += k;
                if (bar != null) {
                    bar.update(n);
                }
            }
        } catch (HttpLimits.Exceeded e) {
            if (e.kind() == HttpLimits.Exceeded.Kind.SIZE) {
                Files.deleteIfExists(file); // what was refused is not kept
            }
            throw e;
        } finally {
            if (bar != null) {
                bar.finish(n);
            }
        }
    }

    /** UTF-8 text through the shell's writer; on a terminal, a NUL byte marks the body as binary. */
    private void toText(InputStream body) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer bytes = ByteBuffer.allocate(8192);
        CharBuffer chars = CharBuffer.allocate(8192);
        long total = 0;
        boolean binary = false;
        int k;
        while ((k = body.read(bytes.array(), bytes.position(), bytes.remaining())) >= 0) {
            total += k;
            if (binary) {
                continue;
            }
            if (shell.interactive() && containsNul(bytes.array(), bytes.position(), k)) {
                binary = true;
                continue;
            }
            bytes.position(bytes.position() + k).flip();
            decoder.decode(bytes, chars, false);
            print(chars.flip());
            chars.clear();
            bytes.compact();
        }
        if (binary) {
            endLine();
            out.print("(binary body of " + total + " bytes not shown; save it with -o FILE)\n");
        } else {
            bytes.flip();
            decoder.decode(bytes, chars, true);
            decoder.flush(chars);
            print(chars.flip());
        }
        out.flush();
    }

    private void print(CharBuffer text) {
        if (text.hasRemaining()) {
            midLine = text.get(text.limit() - 1) != '\n';
            out.append(text);
        }
    }

    private static boolean containsNul(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] == 0) {
                return true;
            }
        }
        return false;
    }
}
