package dev.netloom.admin;

import dev.netloom.http1.ContentTypes;
import dev.netloom.http1.EntityTags;
import dev.netloom.http1.MessageHead;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard's files, from the resources under {@value #ROOT} (no build step): {@code /} is
 * {@code index.html}, {@code /NAME.EXT} the file of that name (one level, no directories). Each
 * is read once and kept, with its type from {@link ContentTypes}, a strong {@code ETag} (a hash
 * of its bytes) answered by 304 on {@code If-None-Match}, and {@code Cache-Control: no-cache}
 * (a browser asks again each time, and a new netloom's files are seen at once). HTML pages carry
 * {@link #CSP}: scripts and styles from this listener only, nothing inline, no framing.
 * A name with no file (the mail tab's {@code mail.js} before it exists) is an empty 404 of that name's type.
 */
final class UiFiles {

    static final String ROOT = "/dev/netloom/admin/ui/";
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
            + "form-action 'self'";
    private static final Pattern NAME = Pattern.compile("/[A-Za-z0-9][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)+");

    private final Map<String, Optional<File>> files = new ConcurrentHashMap<>();

    /** One file: its bytes, type and entity tag. */
    private record File(byte[] body, String type, String etag) {
    }

    /** Whether {@code path} names a file of the dashboard (whether or not it exists). */
    static boolean names(String path) {
        return path.equals("/") || NAME.matcher(path).matches();
    }

    /** The file {@code path} names: 200, 304 when the client has it, or 404. */
    Reply get(String path, MessageHead req) {
        String name = path.equals("/") ? "index.html" : path.substring(1);
        File f = files.computeIfAbsent(name, UiFiles::load).orElse(null);
        if (f == null) {
            // empty and of the type the name asks for: a page that links an optional file (mail.js
            // before the mail tab exists) gets only the browser's "failed to load", no MIME error
            return new Reply(404, ContentTypes.of(name), new byte[0], Map.of()).with("Cache-Control", "no-cache");
        }
        boolean fresh = EntityTags.listed(req.headerJoined("If-None-Match"), f.etag(), true);
        Reply r = new Reply(fresh ? 304 : 200, f.type(), fresh ? new byte[0] : f.body(), Map.of())
                .with("ETag", f.etag()).with("Cache-Control", "no-cache");
        return f.type().startsWith("text/html")
                ? r.with("Content-Security-Policy", CSP).with("Referrer-Policy", "no-referrer") : r;
    }

    private static Optional<File> load(String name) {
        try (InputStream in = UiFiles.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] body = in.readAllBytes();
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
            return Optional.of(new File(body, ContentTypes.of(name),
                    "\"" + HexFormat.of().formatHex(hash, 0, 12) + "\""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
