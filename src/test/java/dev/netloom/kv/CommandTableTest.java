package dev.netloom.kv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command table as data: COMMAND answers byte for byte as it did before the rows were
 * records (the .resp files were taken from the string-flag table), and the rows keep the
 * invariants the dispatcher and the AOF rely on.
 */
class CommandTableTest {

    @TempDir
    Path dir;
    private final KvStore store = new KvStore();
    private final Client client = new Client(0, store, "test");

    private byte[] run(Object... argv) {
        store.execute(client, Client.argv(argv));
        return client.out.take();
    }

    /**
     * The expected reply kept in {@code src/test/resources/dev/netloom/kv/NAME}; with
     * {@code -Dkv.command.update=true} (after adding or changing a command on purpose) the
     * reply is written there instead, to be reviewed in the diff.
     */
    private static byte[] expected(String name, byte[] actual) throws IOException {
        if (Boolean.getBoolean("kv.command.update")) {
            Files.write(Path.of("src/test/resources/dev/netloom/kv", name), actual);
            return actual;
        }
        return resource(name);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = CommandTableTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    @Test
    void commandAnswersAsBefore() throws IOException {
        byte[] command = run("COMMAND");
        assertArrayEquals(expected("command.resp", command), command);
        store.execute(client, Client.argv("command", "info", "get", "nope", "MSET", "zadd"));
        store.execute(client, Client.argv("COMMAND", "COUNT"));
        store.execute(client, Client.argv("COMMAND", "DOCS"));
        store.execute(client, Client.argv("COMMAND", "GETKEYS", "get", "a"));
        store.execute(client, Client.argv("COMMAND", "INFO"));
        byte[] subcommands = client.out.take();
        assertArrayEquals(expected("command-subcommands.resp", subcommands), subcommands);
    }

    @Test
    void namesAreLowerCaseAndFoundInAnyCase() {
        for (Command cmd : store.table.all()) {
            assertEquals(cmd.name().toLowerCase(Locale.ROOT), cmd.name());
            assertSame(cmd, store.table.lookup(Bytes.of(cmd.name().toUpperCase(Locale.ROOT))));
            assertSame(cmd, store.table.get(cmd.name()));
        }
    }

    @Test
    void writeAndReadonlyExcludeEachOtherAndEveryCommandWithKeysIsOne() {
        for (Command cmd : store.table.all()) {
            assertFalse(cmd.has(CommandFlag.WRITE) && cmd.has(CommandFlag.READONLY), cmd.name());
            if (cmd.keySpec().first() > 0 && !cmd.name().equals("watch")) { // WATCH names keys it neither reads nor writes, as in Redis
                assertTrue(cmd.has(CommandFlag.WRITE) || cmd.has(CommandFlag.READONLY),
                        cmd.name() + " has keys but says neither write nor readonly");
            }
        }
    }

    @Test
    void theArityLeavesRoomForTheKeys() {
        for (Command cmd : store.table.all()) {
            KeySpec k = cmd.keySpec();
            int least = Math.abs(cmd.arity());
            assertTrue(least >= 1, cmd.name());
            if (k.first() > 0) {
                assertTrue(least > k.first(), cmd.name() + ": its first key is past its arity");
                assertTrue(k.last() < 0 || least > k.last(), cmd.name() + ": its last key is past its arity");
            }
        }
    }

    /** A store with one key of every type (and a TTL on one), for the invariants that run commands. */
    private static KvStore populated() {
        KvStore s = new KvStore();
        Client c = new Client(0, s, "setup");
        for (Object[] argv : new Object[][] {{"SET", "str", "12"}, {"RPUSH", "list", "a", "b", "3"},
                {"HSET", "hash", "f", "1", "g", "x"}, {"SADD", "set", "a", "b", "1"}, {"ZADD", "zset", "1", "a", "2", "b"},
                {"XADD", "stream", "1-1", "f", "v"}, {"PEXPIREAT", "list", "99999999999999"}}) {
            s.execute(c, Client.argv(argv));
            assertFalse(new String(c.out.take()).startsWith("-"), String.join(" ", List.of(argv).toString()));
        }
        return s;
    }

    /**
     * Whatever the arguments, a command without the write flag never changes the dataset: if one
     * did, its change would be missing from the AOF (only write commands are logged).
     */
    @Test
    void noCommandWithoutTheWriteFlagChangesTheDataset() {
        KvStore s = populated();
        Client c = new Client(1, s, "test");
        for (Command cmd : s.table.all()) {
            if (cmd.write()) {
                continue;
            }
            for (String key : List.of("str", "list", "hash", "set", "zset", "stream", "missing")) {
                for (String filler : List.of("0", "-1", "a", "1")) {
                    byte[][] argv = sample(cmd, key, filler);
                    long before = s.dirty;
                    String view = dump(s);
                    s.execute(c, argv);
                    c.out.take();
                    c.quit = false;
                    assertEquals(before, s.dirty, cmd.name() + " " + key + " " + filler + " counted a change");
                    assertEquals(view, dump(s), cmd.name() + " " + key + " " + filler + " changed the dataset");
                }
            }
        }
    }

    /** The arguments of {@code cmd} at its arity: {@code key} where its keys are, {@code filler} elsewhere. */
    private static byte[][] sample(Command cmd, String key, String filler) {
        int n = Math.abs(cmd.arity()) + (cmd.arity() < 0 ? 1 : 0);
        Object[] argv = new Object[n];
        argv[0] = cmd.name();
        for (int i = 1; i < n; i++) {
            argv[i] = filler;
        }
        byte[][] a = Client.argv(argv);
        for (byte[] k : cmd.keys(a)) {
            for (int i = 1; i < n; i++) {
                if (a[i] == k) {
                    a[i] = Bytes.of(key);
                }
            }
        }
        return a;
    }

    /** The whole dataset as the AOF rewrite would write it. */
    private static String dump(KvStore s) {
        StringBuilder sb = new StringBuilder();
        for (Dict.Entry e : s.db.keys.entries()) {
            KvStore.rewrite(e, argv -> {
                for (byte[] a : argv) {
                    sb.append(Bytes.str(a)).append(' ');
                }
                sb.append('\n');
            });
        }
        return sb.toString();
    }

    /** The dump with the order of hash tables taken out: its lines sorted, each line's words sorted. */
    private static List<String> unordered(String dump) {
        List<String> lines = new ArrayList<>();
        for (String line : dump.split("\n")) {
            List<String> words = new ArrayList<>(List.of(line.split(" ")));
            words.sort(null);
            lines.add(String.join(" ", words));
        }
        lines.sort(null);
        return lines;
    }

    /**
     * Every command an AOF rewrite writes is a write command of the table at a valid arity, so a
     * rewritten file loads (and kv-check-aof passes it); and replaying it rebuilds the same data.
     */
    @Test
    void theRewriteWritesOnlyWriteCommandsThatRebuildTheData() {
        KvStore s = populated();
        KvStore copy = new KvStore();
        Client c = new Client(1, copy, "replay");
        List<String> names = new ArrayList<>();
        for (Dict.Entry e : s.db.keys.entries()) {
            KvStore.rewrite(e, argv -> {
                Command cmd = s.table.lookup(argv[0]);
                assertNotNull(cmd, Bytes.str(argv[0]));
                assertTrue(cmd.write() && cmd.arityOk(argv.length), Bytes.str(argv[0]));
                names.add(cmd.name());
                copy.execute(c, argv);
                assertFalse(new String(c.out.take()).startsWith("-"), Bytes.str(argv[0]));
            });
        }
        assertTrue(names.containsAll(List.of("set", "rpush", "hset", "sadd", "zadd", "xadd", "pexpireat")), names.toString());
        assertEquals(unordered(dump(s)), unordered(dump(copy)));
    }

    /**
     * The AOF takes a record of every write command at its arity (kv-check-aof and the loader read
     * it through), and nothing else: a command without the write flag is refused there.
     */
    @Test
    void theAofAcceptsEveryWriteCommandAndNoOtherButItsFraming() throws IOException {
        AofBuffer records = new AofBuffer();
        int writes = 0;
        for (Command cmd : store.table.all()) {
            if (cmd.write()) {
                records.append(sample(cmd, "k", "1"));
                writes++;
            }
        }
        AofReader.Check check = AofReader.check(write(dir.resolve(Aof.FILE), records));
        assertTrue(check.valid(), check.problem());
        assertEquals(writes, check.commands());
        for (Command cmd : store.table.all()) {
            if (!cmd.write() && !Aof.FRAMING.contains(cmd.name())) {
                AofBuffer one = new AofBuffer();
                one.append(sample(cmd, "k", "1"));
                assertEquals("'" + cmd.name() + "' is not a write command",
                        AofReader.check(write(dir.resolve(cmd.name() + ".aof"), one)).problem());
            }
        }
    }

    private static Path write(Path file, AofBuffer records) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            records.writeTo(ch);
        }
        return file;
    }
}
