package dev.netloom.ftp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Directory listings in the three shapes FTP clients parse: LIST as {@code ls -l} lines (what
 * Commons Net's Unix parser and every GUI client read), NLST as bare names, and the MLSD/MLST
 * facts of RFC 3659 ({@code type;size;modify;perm}). Times are UTC.
 */
final class Listing {

    private static final DateTimeFormatter RECENT = DateTimeFormatter.ofPattern("MMM dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter OLD = DateTimeFormatter.ofPattern("MMM dd  yyyy", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    /** MDTM and the modify fact: YYYYMMDDHHMMSS in UTC (RFC 3659 section 2.3). */
    static final DateTimeFormatter MODIFY = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Listing() {
    }

    /** The entries of {@code dir} sorted by name, or just {@code dir} itself when it is a file. */
    static List<Path> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of(dir);
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** One {@code ls -l} line for {@code p}, CRLF-terminated. */
    static String longLine(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String perms;
        if (a instanceof PosixFileAttributes px) {
            perms = PosixFilePermissions.toString(px.permissions());
        } else {
            perms = a.isDirectory() ? "rwxr-xr-x" : "rw-r--r--";
        }
        char kind = a.isDirectory() ? 'd' : a.isSymbolicLink() ? 'l' : '-';
        Instant t = a.lastModifiedTime().toInstant();
        boolean recent = t.isAfter(Instant.now().minus(180, ChronoUnit.DAYS));
        return String.format(Locale.ROOT, "%c%s 1 ftp ftp %12d %s %s\r\n", kind, perms, a.size(),
                (recent ? RECENT : OLD).format(t), p.getFileName());
    }

    /**
     * The MLSD/MLST facts of {@code p}, ending with a space before the name (RFC 3659 7.2), without
     * line end; {@code name} is what follows (a bare name in MLSD, the path in MLST).
     */
    static String facts(Path p, String name, boolean write) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String type = a.isDirectory() ? "dir" : "file";
        String perm = a.isDirectory() ? (write ? "elcmdfp" : "el") : (write ? "rwadf" : "r");
        return "type=" + type + ";size=" + a.size() + ";modify=" + MODIFY.format(a.lastModifiedTime().toInstant())
                + ";perm=" + perm + "; " + name;
    }

    /** The lines of a listing of {@code dir} for {@code verb} (LIST, NLST or MLSD), CRLF-terminated. */
    static List<String> lines(String verb, Path dir, boolean write) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path p : entries(dir)) {
            String name = p.getFileName().toString();
            try {
                lines.add(switch (verb) {
                    case "NLST" -> name + "\r\n";
                    case "MLSD" -> facts(p, name, write) + "\r\n";
                    default -> longLine(p);
                });
            } catch (IOException e) {
                // removed while listing, or a dangling link (MLSD follows links): leave it out
            }
        }
        return lines;
    }
}
