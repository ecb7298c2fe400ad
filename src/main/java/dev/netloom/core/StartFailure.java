package dev.netloom.core;

import java.net.BindException;
import java.net.SocketException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Words for why a service did not start, from the exception its {@code open()} threw: what
 * failed, why, and the config key to change. A file error names the path key it comes from
 * ({@code http: root /srv/www: no such file or directory (http.root)}); a bind error says what
 * the system meant ({@code echo: address already in use: 127.0.0.1:7007 (another process listens
 * there; pick another with port=)}).
 */
final class StartFailure {

    private StartFailure() {
    }

    /** The message of the ServiceException for {@code e}, starting with the service's name. */
    static String describe(Settings settings, Throwable e) {
        String service = settings.service();
        String host = settings.get(TcpConfig.HOST);
        int port = settings.get(TcpConfig.PORT);
        String where = HostPort.format(host, port);
        String text = e.getMessage() == null ? "" : e.getMessage();
        String lower = text.toLowerCase(Locale.ROOT);
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return service + ": " + file(settings, f);
        }
        if (e instanceof BindException || e instanceof SocketException) {
            if (lower.contains("in use")) {
                return service + ": address already in use: " + where + " (another process listens there; pick another with port=)";
            }
            if (lower.contains("permission denied") || lower.contains("access denied")) {
                return service + ": permission denied to listen on " + where + (port > 0 && port < 1024
                        ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE; pick one above 1023 with port=)"
                        : " (pick another with port=)");
            }
            if (lower.contains("cannot assign requested address")) {
                return service + ": cannot listen on " + where + ": " + host
                        + " is not an address of this machine (pick another with host=, e.g. 127.0.0.1 or 0.0.0.0)";
            }
            return service + ": cannot listen on " + where + ": " + (text.isEmpty() ? e.getClass().getSimpleName() : text);
        }
        return service + ": cannot start: " + (text.isEmpty() ? e.getClass().getSimpleName() : text);
    }

    /** {@code root /srv/www: no such file or directory (http.root)}, the key found by the path it names. */
    private static String file(Settings settings, FileSystemException f) {
        String why = switch (f) {
            case NoSuchFileException x -> "no such file or directory";
            case AccessDeniedException x -> "permission denied";
            case NotDirectoryException x -> "not a directory";
            case FileAlreadyExistsException x -> "already exists";
            default -> f.getReason() != null ? f.getReason().toLowerCase(Locale.ROOT) : "cannot be used";
        };
        Path failed = settings.home().resolve(f.getFile()).normalize();
        Settings.Entry owner = null;
        Path ownerPath = null;
        int ownerRank = 0;
        int ownerDistance = 0;
        for (Settings.Entry entry : settings.entries()) {
            if (!(entry.value() instanceof String value) || value.isBlank()) {
                continue;
            }
            Path p;
            try {
                p = settings.home().resolve(value).normalize();
            } catch (RuntimeException notAPath) {
                continue;
            }
            // the key whose path is the failed one; else one whose path lies under the failed one
            // (creating the key's parent directories hit it); else the nearest directory above it
            int rank = p.equals(failed) ? 0 : p.startsWith(failed) ? 1 : failed.startsWith(p) ? 2 : -1;
            if (rank < 0) {
                continue;
            }
            int distance = Math.abs(p.getNameCount() - failed.getNameCount());
            if (owner == null || rank < ownerRank || rank == ownerRank && distance < ownerDistance) {
                owner = entry;
                ownerPath = p;
                ownerRank = rank;
                ownerDistance = distance;
            }
        }
        if (owner == null) {
            return f.getFile() + ": " + why;
        }
        if (ownerRank == 1 && f instanceof FileAlreadyExistsException) {
            why = "a file where a directory is needed"; // createDirectories met a file on the way
        }
        String key = settings.service() + "." + owner.key().name();
        String shown = failed.equals(ownerPath) ? ownerPath.toString() : ownerPath + " (" + failed + ")";
        return owner.key().name() + " " + shown + ": " + why + " (" + key + ")";
    }
}
