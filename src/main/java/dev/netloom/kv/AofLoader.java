package dev.netloom.kv;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the append-only file at start: replays its records (parsed by {@link AofReader}) into the
 * store, as Redis's {@code loadAppendOnlyFile}. A last record cut short by a crash (the file ends
 * inside it, and no whole record follows its start) is cut off with a warning, after a copy of
 * the bytes cut is kept beside the file; anything else that does not parse or does not run stops
 * the start with the offset of the bad record and leaves the file as it is.
 */
final class AofLoader {

    private static final System.Logger LOG = System.getLogger(AofLoader.class.getName());

    private AofLoader() {
    }

    /** What {@link #load} did: commands replayed, the bytes cut off a truncated tail, and where they were kept. */
    record Loaded(long commands, long truncatedBytes, Path cutCopy) {
    }

    /**
     * Replays {@code file} into {@code store} (which must be empty). A last record cut short by a
     * crash is cut off the file, after a copy of the bytes cut is kept beside it
     * ({@link AofReader#cut}); anything else that does not parse or run throws an IOException
     * naming its offset and leaves the file as it is.
     */
    static Loaded load(Path file, KvStore store) throws IOException {
        if (!Files.exists(file)) {
            return new Loaded(0, 0, null);
        }
        Client replay = new Client(0, store, "aof");
        store.loading = true;
        try {
            AofReader.Check c = AofReader.walk(file, store.table, (at, cmd, argv) -> {
                store.run(replay, cmd, argv);
                byte[] reply = replay.out.take();
                if (reply.length > 0 && reply[0] == '-') {
                    throw corrupt(file, at, "'" + cmd.name() + "' failed: " + new String(reply, 1, reply.length - 3,
                            StandardCharsets.UTF_8));
                }
            });
            if (c.valid()) {
                return new Loaded(c.commands(), 0, null);
            }
            if (!c.truncated()) {
                throw corrupt(file, c.validUpTo(), c.problem());
            }
            Path copy = AofReader.cut(file, c.validUpTo());
            LOG.log(Level.WARNING, "{0}: {5}, probably cut by a crash;"
                    + " cut the file at offset {1} ({2} bytes, kept in {3}) and loading the {4} commands before it", file,
                    c.validUpTo(), c.size() - c.validUpTo(), copy, c.commands(), c.problem());
            return new Loaded(c.commands(), c.size() - c.validUpTo(), copy);
        } finally {
            store.loading = false;
        }
    }

    private static IOException corrupt(Path file, long offset, String what) {
        return new IOException(file + " is corrupt at offset " + offset + ": " + what
                + "; `netloom kv-check-aof --fix " + file + "` cuts it there (what follows goes to a copy beside it)");
    }
}
