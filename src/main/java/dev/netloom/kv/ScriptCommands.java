package dev.netloom.kv;

import java.util.List;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.NOSCRIPT;
import static dev.netloom.kv.CommandFlag.STALE;

/**
 * Scripting commands: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD / EXISTS / FLUSH / KILL
 * ({@link LuaScripts} runs them). Functions (FUNCTION, FCALL, FCALL_RO) are not supported and
 * say so, except {@code FUNCTION FLUSH}, which answers {@code +OK} (there is nothing to flush)
 * because Redis's test suite sends it before every group of tests.
 */
final class ScriptCommands {

    private static final String NO_FUNCTIONS = "ERR FUNCTION is not supported by netloom kv: use EVAL and EVALSHA";

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
                new Command("function", -2, flags, KeySpec.NONE, ScriptCommands::function),
                new Command("fcall", -3, flags, KeySpec.NONE, (c, a) -> {
                    throw new KvError(NO_FUNCTIONS);
                }),
                new Command("fcall_ro", -3, flags, KeySpec.NONE, (c, a) -> {
                    throw new KvError(NO_FUNCTIONS);
                }));
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
                String refused = scripts.kill();
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
        if (Bytes.is(a[1], "flush") && a.length <= 3) {
            c.out.ok(); // no functions, nothing to flush: Redis's test suite sends it before each group of tests
            return;
        }
        throw new KvError(NO_FUNCTIONS);
    }
}
