package dev.netloom.kv;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code netloom kv-check-aof [--fix] FILE}, as redis-check-aof: reads an append-only file through
 * and says whether it is valid, or where it stops being so and why; with {@code --fix} it cuts the
 * file at the end of the last valid record (everything after it is gone from the file, as the
 * report says), keeping the bytes cut in {@code appendonly.aof.cut-<UTC time>} beside it.
 */
public final class AofCheck {

    private AofCheck() {
    }

    /** Checks (and with {@code fix} repairs) {@code file}; returns the exit code: 0 valid or fixed, 1 not, 2 unreadable. */
    public static int run(Path file, boolean fix, PrintWriter out) {
        if (!Files.isRegularFile(file)) {
            out.println("kv-check-aof: " + file + ": no such file");
            return 2;
        }
        AofReader.Check c;
        try {
            c = AofReader.check(file);
        } catch (IOException e) {
            out.println("kv-check-aof: cannot read " + file + ": " + e.getMessage());
            return 2;
        }
        if (c.valid()) {
            out.printf("AOF %s is valid: %,d commands, %,d bytes%n", file, c.commands(), c.size());
            return 0;
        }
        out.printf("AOF %s is %s at offset %,d: %s%n", file, c.truncated() ? "truncated" : "corrupt", c.validUpTo(),
                c.problem());
        out.printf("%,d valid commands before it; cutting there drops %,d bytes%n", c.commands(), c.size() - c.validUpTo());
        if (!fix) {
            out.println("run with --fix to cut the file there");
            return 1;
        }
        Path copy;
        try {
            copy = AofReader.cut(file, c.validUpTo());
        } catch (IOException e) {
            out.println("kv-check-aof: cannot cut " + file + ": " + e.getMessage());
            return 2;
        }
        out.printf("fixed: %s now ends at offset %,d (%,d commands); the %,d bytes cut are kept in %s%n", file,
                c.validUpTo(), c.commands(), c.size() - c.validUpTo(), copy);
        return 0;
    }
}
