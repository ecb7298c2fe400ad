package dev.netloom.kv;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the append-only file ({@link Aof} writes it; its format is there): {@link #walk} parses
 * it record by record for {@link AofLoader} (which replays it at start) and {@link #check} (which
 * reads it through without running it: kv-check-aof), {@link #cut} shortens it keeping a copy of
 * what it cuts.
 *
 * <p>The file is RESP arrays of bulk strings, each a write command, back to back. A last record
 * cut short by a crash (the file ends inside it, and no whole record follows its start) is cut
 * off at load with a warning, after a copy of the bytes cut is kept beside the file; anything
 * else that does not parse or does not run stops the start with the offset of the bad record
 * and leaves the file as it is. A transaction (MULTI ... EXEC) is handed on whole at its EXEC;
 * one the end of the file falls inside (no EXEC yet) is part of the cut tail, from its MULTI.
 */
final class AofReader {

    /** The time in the name of a copy of bytes cut off the file: 20261206T041500Z. */
    private static final DateTimeFormatter CUT_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private AofReader() {
    }

    /** The result of {@link #check}: valid, truncated at an offset, or corrupt at one. */
    record Check(long commands, long size, long validUpTo, String problem, boolean truncated) {
        boolean valid() {
            return problem == null;
        }
    }

    /** Reads {@code file} through without running it: where does the valid part end, and why. */
    static Check check(Path file) throws IOException {
        return walk(file, new CommandTable(), (at, cmd, argv) -> {
        });
    }

    /** What {@link #walk} does with each well-formed record; an IOException stops the walk. */
    @FunctionalInterface
    interface RecordVisitor {
        void accept(long offset, Command cmd, byte[][] argv) throws IOException;
    }

    /**
     * Reads the records of {@code file} in order, handing each that is a well-formed write
     * command of {@code table} to {@code visitor}, up to the end or the first record that is not.
     * A record the end of the file falls inside is a cut tail only when no whole record follows
     * its start (see {@link #recordsAfter}); otherwise its length is corrupt.
     */
    static Check walk(Path file, CommandTable table, RecordVisitor visitor) throws IOException {
        long size = Files.size(file);
        long n = 0;
        // an open MULTI: where it starts, and its records, handed on only at its EXEC
        long multiAt = -1;
        List<Object[]> held = null;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            RespReader reader = RespReader.ofFile(in, size, 1 << 16);
            while (true) {
                long at = reader.position();
                byte[][] argv;
                try {
                    argv = reader.next();
                } catch (EOFException e) {
                    long next = recordsAfter(file, table, at, size);
                    if (next >= 0) {
                        return stop(n, size, at, "the record here runs past the end of the file, but whole"
                                + " records follow it from offset " + next + ": a corrupt length, not a tail cut by a crash",
                                false, multiAt);
                    }
                    return stop(n, size, at, "the last record is incomplete (" + (size - at) + " bytes)", true, multiAt);
                } catch (RespException e) {
                    return stop(n, size, at, e.getMessage(), false, multiAt);
                }
                if (argv == null) {
                    if (multiAt >= 0) {
                        return stop(n, size, size, "the file ends without the EXEC of a transaction", true, multiAt);
                    }
                    return new Check(n, size, size, null, false);
                }
                String wrong = wrong(table, argv);
                if (wrong != null) {
                    return stop(n, size, at, wrong, false, multiAt);
                }
                Command cmd = table.lookup(argv[0]);
                if (cmd.name().equals("multi")) {
                    if (multiAt >= 0) {
                        return stop(n, size, at, "MULTI inside a transaction", false, multiAt);
                    }
                    multiAt = at;
                    held = new ArrayList<>();
                } else if (cmd.name().equals("exec")) {
                    if (multiAt < 0) {
                        return new Check(n, size, at, "EXEC without MULTI", false);
                    }
                    for (Object[] h : held) {
                        visitor.accept((Long) h[0], (Command) h[1], (byte[][]) h[2]);
                        n++;
                    }
                    multiAt = -1;
                    held = null;
                } else if (multiAt >= 0) {
                    held.add(new Object[] {at, cmd, argv});
                } else {
                    visitor.accept(at, cmd, argv);
                    n++;
                }
            }
        }
    }

    /**
     * Where the walk stops: at {@code at}, or inside a transaction at its MULTI, so that none of
     * it is replayed and a cut removes all of it (Redis's "Revert incomplete MULTI/EXEC
     * transaction in AOF file").
     */
    private static Check stop(long n, long size, long at, String problem, boolean truncated, long multiAt) {
        if (multiAt < 0) {
            return new Check(n, size, at, problem, truncated);
        }
        return new Check(n, size, multiAt, problem + ", inside the transaction whose MULTI is at offset " + multiAt
                + " (none of it is replayed)", truncated);
    }

    /** Why {@code argv} cannot be a record of the file, or null when it can. */
    private static String wrong(CommandTable table, byte[][] argv) {
        Command cmd = table.lookup(argv[0]);
        return cmd == null ? "unknown command '" + Bytes.str(argv[0]) + "'"
                : !cmd.write() && !Aof.FRAMING.contains(cmd.name()) ? "'" + cmd.name() + "' is not a write command"
                : !cmd.arityOk(argv.length) ? "wrong number of arguments for '" + cmd.name() + "'" : null;
    }

    /**
     * Whether whole records follow a record at {@code at} that the end of the file falls inside:
     * the first offset after {@code at} from which one or more whole write commands run to the
     * end of the file (possibly ending in a cut one), or -1. A crash cuts the file inside its last
     * record, so nothing whole comes after it; a length made longer by corruption (a flipped
     * digit) swallows the records after it, which are still there to be found. Redis tolerates
     * any end of file inside a record (aof-load-truncated); this is stricter, so that a corrupt
     * length is never mistaken for a cut tail and what follows it thrown away.
     */
    private static long recordsAfter(Path file, CommandTable table, long at, long size) throws IOException {
        try (FileChannel scan = FileChannel.open(file, StandardOpenOption.READ);
             FileChannel attempt = FileChannel.open(file, StandardOpenOption.READ)) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(scan.position(at + 1)), 1 << 16);
            long p = at + 1;
            for (int b; (b = in.read()) >= 0; p++) {
                if (b == '*' && wholeRecordsFrom(attempt, table, p, size)) {
                    return p;
                }
            }
        }
        return -1;
    }

    /** Whether one or more whole write records start at {@code p} and run to the end of the file. */
    private static boolean wholeRecordsFrom(FileChannel ch, CommandTable table, long p, long size) throws IOException {
        if (!recordHeadAt(ch, p)) {
            return false; // most '*' inside a value: no parse started for them
        }
        RespReader r = RespReader.ofFile(Channels.newInputStream(ch.position(p)), size - p, 4096);
        int whole = 0;
        long at = p;
        try {
            for (byte[][] argv; (argv = r.next()) != null; whole++, at = p + r.position()) {
                if (wrong(table, argv) != null) {
                    return false;
                }
            }
            return whole > 0;
        } catch (EOFException e) {
            // whole records, then one a crash cut (it must start as a record does): still not the
            // tail of a crash where the walk stopped
            return whole > 0 && recordHeadAt(ch, at);
        } catch (RespException e) {
            return false;
        }
    }

    /** Whether {@code *<count>\r\n$} starts at {@code p}: the head of a record, not just a '*'. */
    private static boolean recordHeadAt(FileChannel ch, long p) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16);
        while (b.hasRemaining()) {
            if (ch.read(b, p + b.position()) < 0) {
                break; // the end of the file
            }
        }
        int n = b.position();
        int i = 1;
        while (i < n && i < 12 && b.get(i) >= '0' && b.get(i) <= '9') {
            i++;
        }
        return i > 1 && b.get(1) != '0' && i + 2 < n && b.get(i) == '\r' && b.get(i + 1) == '\n' && b.get(i + 2) == '$';
    }

    /**
     * Cuts {@code file} at {@code offset} (a cut tail at load, kv-check-aof --fix), first copying
     * the bytes cut to {@code appendonly.aof.cut-<UTC time>} beside it (mode 0600, forced to disk),
     * so that nothing is lost by the cut itself. Returns the copy.
     */
    static Path cut(Path file, long offset) throws IOException {
        String stamp = CUT_STAMP.format(Instant.now());
        Path copy = file.resolveSibling(file.getFileName() + ".cut-" + stamp);
        for (int i = 1; Files.exists(copy, LinkOption.NOFOLLOW_LINKS); i++) {
            copy = file.resolveSibling(file.getFileName() + ".cut-" + stamp + "-" + i);
        }
        try (FileChannel from = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileChannel to = FileChannel.open(copy, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                     ownerOnly(copy))) {
            long size = from.size();
            for (long done = offset; done < size; ) {
                done += from.transferTo(done, size - done, to);
            }
            to.force(true);
            from.truncate(offset);
            from.force(true);
        }
        return copy;
    }

    /** Mode 0600 for a new file, where the file system has POSIX permissions. */
    private static FileAttribute<?>[] ownerOnly(Path p) throws IOException {
        if (!Files.getFileStore(p.toAbsolutePath().getParent()).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
    }
}
