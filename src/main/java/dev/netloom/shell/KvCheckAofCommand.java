package dev.netloom.shell;

import dev.netloom.kv.AofCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * {@code kv-check-aof [--fix] FILE}: the shell's face of {@link AofCheck}, as redis-check-aof is
 * redis-server's. It needs no running service, so it works on the file of a stopped kv, also as
 * {@code netloom kv-check-aof --fix FILE} from the command line; the exit code is the check's.
 */
@Command(name = "kv-check-aof", description = {
        "Check a kv append-only file, as redis-check-aof does.",
        "Check a kv append-only file (as redis-check-aof): valid, or where and why it stops being so;",
        "--fix cuts it at the end of the last valid command, keeping the bytes cut in FILE.cut-<UTC time>.",
        "Exit code 0 valid or fixed, 1 not valid, 2 unreadable."})
final class KvCheckAofCommand extends ShellBound {

    @Parameters(index = "0", paramLabel = "FILE", description = "the append-only file, e.g. data/kv/appendonly.aof")
    Path file;
    @Option(names = "--fix", description = "cut the file after its last valid command; what follows is moved to FILE.cut-<UTC time>")
    boolean fix;

    @Override
    public Integer call() {
        int code = AofCheck.run(file, fix, shell.out());
        shell.out().flush();
        return code;
    }
}
