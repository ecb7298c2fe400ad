package dev.netloom.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.NOSCRIPT;
import static dev.netloom.kv.CommandFlag.STALE;
import static dev.netloom.kv.CommandFlag.WRITE;

/**
 * Scripting commands: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD / EXISTS / FLUSH / KILL
 * ({@link LuaScripts} runs them), and Redis 7.0's functions: FCALL, FCALL_RO and FUNCTION LOAD /
 * DELETE / FLUSH / LIST / KILL / STATS ({@link LuaFunctions}); FUNCTION DUMP and RESTORE (RDB
 * payloads) say they are not supported.
 */
final class ScriptCommands {

    private ScriptCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        // not `write`: a script's effects are logged as the commands it ran, never as the script
        Set<CommandFlag> flags = Set.of(NOSCRIPT, STALE);
        return List.of(
                new Command("eval", -3, flags, KeySpec.NONE, (c, a) -> c.store.scripts().eval(c, a, false, false)),
                new Command("evalsha", -3, flags, KeySpec.NONE, (c, a) -> c.store.scripts().eval(c, a, true, false)),
                new Command("eval_ro", -3, flags, KeySpec.NONE, (c, a) -> c.store.scripts().eval(c, a, false, true)),
                new Command("evalsha_ro", -3, flags, KeySpec.NONE, (c, a) -> c.store.scripts().eval(c, a, true, true)),
                new Command("script", -2, flags, KeySpec.NONE, ScriptCommands::script),
                // `write`: FUNCTION LOAD / DELETE / FLUSH count as changes, so the AOF gets them (and replays them)
                new Command("function", -2, Set.of(WRITE, NOSCRIPT, STALE), KeySpec.NONE, ScriptCommands::function),
                new Command("fcall", -3, flags, KeySpec.NONE,
                        (c, a) -> c.store.scripts().functions().fcall(c, a, false)),
                new Command("fcall_ro", -3, flags, KeySpec.NONE,
                        (c, a) -> c.store.scripts().functions().fcall(c, a, true)));
    }
    private static void script(Client c, byte[][] a) {
        String sub = Bytes.lowerName(a[1]);
        LuaScripts scripts = c.store.scripts();
        switch (sub) {
            case "load" -> {
                if (a.length != 3) {
                    throw KvError.wrongArgs("script|load");
                }
                c.out.bulk(scripts.load(a[2]).sha());
            }
            case "exists" -> {
                if (a.length < 3) {
                    throw KvError.wrongArgs("script|exists");
                }
                c.out.array(a.length - 2);
                for (int i = 2; i < a.length; i++) {
                    c.out.integer(scripts.exists(a[i]) ? 1 : 0);
                }
            }
            case "flush" -> {
                if (a.length > 3 || (a.length == 3 && !Bytes.is(a[2], "sync") && !Bytes.is(a[2], "async"))) {
                    throw new KvError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
                }
                scripts.reset();
                c.out.ok();
            }
            case "kill" -> {
                String refused = scripts.kill(false);
                if (refused != null) {
                    throw new KvError(refused);
                }
                c.out.ok();
            }
            case "debug" -> throw new KvError("ERR SCRIPT DEBUG is not supported by netloom kv");
            default -> throw new KvError("ERR unknown subcommand '" + Bytes.str(a[1]) + "'. Try SCRIPT HELP.");
        }
    }

    private static void function(Client c, byte[][] a) {
        String sub = Bytes.lowerName(a[1]);
        LuaScripts scripts = c.store.scripts();
        LuaFunctions functions = scripts.functions();
        switch (sub) {
            case "load" -> {
                if (a.length < 3) {
                    throw KvError.wrongArgs("function|load");
                }
                boolean replace = false;
                for (int i = 2; i < a.length - 1; i++) {
                    if (!Bytes.is(a[i], "replace")) {
                        throw new KvError("ERR Unknown option given: " + Bytes.str(a[i]));
                    }
                    replace = true;
                }
                c.out.bulk(functions.load(a[a.length - 1], replace));
                c.store.changed();
            }
            case "delete" -> {
                if (a.length != 3) {
                    throw KvError.wrongArgs("function|delete");
                }
                if (!functions.delete(Bytes.str(a[2]))) {
                    throw new KvError("ERR Library not found");
                }
                c.store.changed();
                c.out.ok();
            }
            case "flush" -> {
                if (a.length > 3 || (a.length == 3 && !Bytes.is(a[2], "sync") && !Bytes.is(a[2], "async"))) {
                    throw new KvError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
                }
                functions.flush();
                c.store.changed();
                c.out.ok();
            }
            case "list" -> list(c, a, functions);
            case "kill" -> {
                if (a.length != 2) {
                    throw KvError.wrongArgs("function|kill");
                }
                String refused = scripts.kill(true);
                if (refused != null) {
                    throw new KvError(refused);
                }
                c.out.ok();
            }
            case "stats" -> {
                if (a.length != 2) {
                    throw KvError.wrongArgs("function|stats");
                }
                stats(c, scripts);
            }
            case "dump", "restore" -> throw new KvError("ERR FUNCTION " + sub.toUpperCase(Locale.ROOT)
                    + " is not supported by netloom kv (it has no RDB payloads): use FUNCTION LIST WITHCODE and LOAD");
            default -> throw new KvError("ERR unknown subcommand '" + Bytes.str(a[1]) + "'. Try FUNCTION HELP.");
        }
    }

    /** FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE], in Redis's shape. */
    private static void list(Client c, byte[][] a, LuaFunctions functions) {
        boolean withCode = false;
        byte[] pattern = null;
        for (int i = 2; i < a.length; i++) {
            if (!withCode && Bytes.is(a[i], "withcode")) {
                withCode = true;
            } else if (pattern == null && Bytes.is(a[i], "libraryname")) {
                if (++i >= a.length) {
                    throw new KvError("ERR library name argument was not given");
                }
                pattern = a[i];
            } else {
                throw new KvError("ERR Unknown argument " + Bytes.str(a[i]));
            }
        }
        List<LuaFunctions.Library> shown = new ArrayList<>();
        for (LuaFunctions.Library lib : functions.libraries()) {
            if (pattern == null || Bytes.glob(pattern, Bytes.of(lib.name()))) {
                shown.add(lib);
            }
        }
        c.out.array(shown.size());
        for (LuaFunctions.Library lib : shown) {
            c.out.map(withCode ? 4 : 3);
            c.out.bulk("library_name");
            c.out.bulk(lib.name());
            c.out.bulk("engine");
            c.out.bulk("LUA");
            c.out.bulk("functions");
            c.out.array(lib.functions().size());
            for (LuaFunctions.Function f : lib.functions().values()) {
                c.out.map(3);
                c.out.bulk("name");
                c.out.bulk(f.name());
                c.out.bulk("description");
                if (f.description() == null) {
                    c.out.nullBulk();
                } else {
                    c.out.bulk(f.description());
                }
                c.out.bulk("flags");
                c.out.set(f.flags().size());
                for (String flag : f.flags()) {
                    c.out.bulk(flag);
                }
            }
            if (withCode) {
                c.out.bulk("library_code");
                c.out.bulk(lib.code());
            }
        }
    }

    /** FUNCTION STATS: the running function (or nil) and the Lua engine's counts, in Redis's shape. */
    static void stats(Client c, LuaScripts scripts) {
        if (scripts.evalRunning()) {
            throw new KvError(LuaScripts.BUSY);
        }
        LuaFunctions functions = scripts.functions();
        c.out.map(2);
        c.out.bulk("running_script");
        Object[] run = scripts.runningFunction();
        if (run == null) {
            c.out.nullBulk();
        } else {
            c.out.map(3);
            c.out.bulk("name");
            c.out.bulk((String) run[0]);
            c.out.bulk("command");
            byte[][] argv = (byte[][]) run[1];
            c.out.array(argv.length);
            for (byte[] arg : argv) {
                c.out.bulk(arg);
            }
            c.out.bulk("duration_ms");
            c.out.integer((Long) run[2]);
        }
        c.out.bulk("engines");
        c.out.map(1);
        c.out.bulk("LUA");
        c.out.map(2);
        c.out.bulk("libraries_count");
        c.out.integer(functions.libraryCount());
        c.out.bulk("functions_count");
        c.out.integer(functions.functionCount());
    }
}
