package dev.netloom.ftp;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The file system commands of a logged-in FTP user that need no data connection: PWD, CWD,
 * CDUP, DELE, MKD, RMD, RNFR/RNTO, SIZE, MDTM, MLST (and the X-variants of RFC 775). Every
 * name goes through the user's {@link FtpPaths} jail first; a name outside it is answered as
 * if it did not exist (550), and changes by a read-only user with 550 Permission denied.
 */
final class FtpFiles {

    private final FtpPaths paths;
    private final boolean write;
    private final FtpReplies replies;
    private volatile String cwd = "/";
    private String renameFrom;

    FtpFiles(FtpPaths paths, boolean write, FtpReplies replies) {
        this.paths = paths;
        this.write = write;
        this.replies = replies;
    }

    String cwd() {
        return cwd;
    }

    boolean writable() {
        return write;
    }

    /** The real path of {@code arg} relative to the working directory, or null outside the jail. */
    Path file(String arg) {
        return paths.real(FtpPaths.virtual(cwd, arg));
    }

    /** A name that does not exist yet, for STOU: {@code arg} (or "file") with a numeric suffix when taken. */
    Path unique(String arg) {
        String base = arg.isBlank() ? "file" : arg.strip();
        Path p = file(base);
        for (int i = 1; p != null && Files.exists(p, LinkOption.NOFOLLOW_LINKS); i++) {
            p = file(base + "." + i);
        }
        return p;
    }

    /** Runs {@code verb} if it is one of these commands; false when it is not. */
    boolean handle(String verb, String arg) throws IOException {
        if (verb.equals("RNTO")) {
            rnto(arg);
            return true;
        }
        renameFrom = null;
        switch (verb) {
            case "PWD", "XPWD" -> replies.send(257, quote(cwd) + " is the current directory");
            case "CWD", "XCWD" -> cwd(arg);
            case "CDUP", "XCUP" -> cwd("..");
            case "SIZE" -> {
                Path p = file(arg);
                if (p == null || !Files.isRegularFile(p)) {
                    replies.send(550, "Could not get file size.");
                } else {
                    replies.send(213, Long.toString(Files.size(p)));
                }
            }
            case "MDTM" -> {
                Path p = file(arg);
                if (p == null || !Files.isRegularFile(p)) {
                    replies.send(550, "Could not get file modification time.");
                } else {
                    replies.send(213, Listing.MODIFY.format(Files.getLastModifiedTime(p).toInstant()));
                }
            }
            case "MLST" -> mlst(arg);
            case "DELE", "MKD", "XMKD", "RMD", "XRMD", "RNFR" -> change(verb, arg);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void cwd(String arg) throws IOException {
        String v = FtpPaths.virtual(cwd, arg);
        Path p = paths.real(v);
        if (p == null || !Files.isDirectory(p)) {
            replies.send(550, "Failed to change directory.");
        } else {
            cwd = v;
            replies.send(250, "Directory successfully changed.");
        }
    }

    private void mlst(String arg) throws IOException {
        String v = FtpPaths.virtual(cwd, arg);
        Path p = paths.real(v);
        if (p == null || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            replies.send(550, "No such file or directory.");
            return;
        }
        replies.multi(250, "Listing " + v, List.of(" " + Listing.facts(p, v, write)), "End");
    }

    private void change(String verb, String arg) throws IOException {
        if (!write) {
            replies.send(550, "Permission denied.");
            return;
        }
        String v = FtpPaths.virtual(cwd, arg);
        Path p = paths.real(v);
        if (p == null || v.equals("/")) {
            replies.send(550, "Permission denied.");
            return;
        }
        try {
            switch (verb) {
                case "DELE" -> {
                    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(p)) {
                        replies.send(550, "No such file or directory.");
                        return;
                    }
                    Files.delete(p);
                    replies.send(250, "Delete operation successful.");
                }
                case "MKD", "XMKD" -> {
                    Files.createDirectory(p);
                    replies.send(257, quote(v) + " created");
                }
                case "RMD", "XRMD" -> {
                    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        replies.send(550, "No such directory.");
                        return;
                    }
                    Files.delete(p);
                    replies.send(250, "Remove directory operation successful.");
                }
                default -> {
                    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                        replies.send(550, "No such file or directory.");
                        return;
                    }
                    renameFrom = v;
                    replies.send(350, "Ready for RNTO.");
                }
            }
        } catch (DirectoryNotEmptyException e) {
            replies.send(550, "Directory not empty.");
        } catch (IOException e) {
            replies.send(550, failure(verb));
        }
    }

    private static String failure(String verb) {
        return switch (verb) {
            case "MKD", "XMKD" -> "Create directory operation failed.";
            case "RMD", "XRMD" -> "Remove directory operation failed.";
            default -> "Delete operation failed.";
        };
    }

    private void rnto(String arg) throws IOException {
        String from = renameFrom;
        renameFrom = null;
        if (from == null) {
            replies.send(503, "RNFR required first.");
            return;
        }
        String v = FtpPaths.virtual(cwd, arg);
        Path source = paths.real(from);
        Path target = paths.real(v);
        if (source == null || target == null || v.equals("/") || Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            replies.send(553, "Rename failed.");
            return;
        }
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            replies.send(250, "Rename successful.");
        } catch (IOException e) {
            replies.send(553, "Rename failed.");
        }
    }

    /** A path in a 257 reply: in quotes, with quotes inside doubled (RFC 959 appendix II). */
    static String quote(String path) {
        return "\"" + path.replace("\"", "\"\"") + "\"";
    }
}
