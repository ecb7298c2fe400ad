package dev.netloom.kv;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.ADMIN;
import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.STALE;

/** Connection commands: PING, ECHO, QUIT, SELECT, CLIENT, HELLO, AUTH, RESET. */
final class ConnectionCommands {

    private ConnectionCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("ping", -1, Set.of(FAST, STALE), KeySpec.NONE, ConnectionCommands::ping),
                new Command("echo", 2, Set.of(FAST), KeySpec.NONE, (c, a) -> c.out.bulk(a[1])),
                new Command("quit", -1, Set.of(FAST, STALE), KeySpec.NONE, (c, a) -> {
                    c.quit = true;
                    c.out.ok();
                }),
                new Command("select", 2, Set.of(FAST, STALE), KeySpec.NONE, ConnectionCommands::select),
                new Command("client", -2, Set.of(ADMIN, STALE), KeySpec.NONE, ConnectionCommands::client),
                new Command("hello", -1, Set.of(FAST, STALE), KeySpec.NONE, ConnectionCommands::hello),
                new Command("auth", -2, Set.of(FAST, STALE), KeySpec.NONE, (c, a) -> {
                    throw new KvError("ERR AUTH <password> called without any password configured for the default user. "
                            + "Are you sure your configuration is correct?");
                }),
                new Command("reset", 1, Set.of(FAST, STALE), KeySpec.NONE, (c, a) -> {
                    TransactionCommands.reset(c);
                    c.name = null;
                    c.db = 0;
                    c.out.simple("RESET");
                }));
    }

    private static void ping(Client c, byte[][] a) {
        if (a.length > 2) {
            throw KvError.wrongArgs("ping");
        }
        if (a.length == 2) {
            c.out.bulk(a[1]);
        } else {
            c.out.raw(Reply.PONG);
        }
    }

    private static void select(Client c, byte[][] a) {
        long db = Bytes.parseLong(a[1], Long.MIN_VALUE);
        if (db == Long.MIN_VALUE) {
            throw new KvError("ERR value is not an integer or out of range");
        }
        c.db = c.store.db(db).index;
        c.store.db = c.store.dbs[c.db];
        c.out.ok();
    }

    private static void client(Client c, byte[][] a) {
        String sub = Bytes.lowerName(a[1]);
        switch (sub) {
            case "setname" -> {
                arity(a, 3, "client|setname");
                String name = Bytes.str(a[2]);
                for (char ch : name.toCharArray()) {
                    if (ch <= ' ' || ch > '~') {
                        throw new KvError("ERR Client names cannot contain spaces, newlines or special characters.");
                    }
                }
                c.name = name.isEmpty() ? null : name;
                c.out.ok();
            }
            case "getname" -> {
                arity(a, 2, "client|getname");
                c.out.bulk(c.name);
            }
            case "id" -> {
                arity(a, 2, "client|id");
                c.out.integer(c.id);
            }
            case "setinfo" -> {
                arity(a, 4, "client|setinfo");
                c.out.ok(); // lib-name / lib-ver, which client libraries send on connect
            }
            case "info" -> c.out.bulk(describe(c, c.store.now) + "\n");
            case "unblock" -> unblock(c, a);
            case "list" -> {
                StringBuilder sb = new StringBuilder();
                if (c.store.host != null) {
                    for (Client other : c.store.host.clients()) {
                        sb.append(describe(other, System.currentTimeMillis())).append('\n');
                    }
                } else {
                    sb.append(describe(c, System.currentTimeMillis())).append('\n');
                }
                c.out.bulk(sb.toString());
            }
            default -> throw new KvError("ERR unknown subcommand '" + Bytes.str(a[1])
                    + "'. Try CLIENT HELP.");
        }
    }

    /** CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends a blocked client's wait as a timeout would, or with an error; 1 if it was blocked. */
    private static void unblock(Client c, byte[][] a) {
        if (a.length != 3 && a.length != 4) {
            throw KvError.wrongArgs("client|unblock");
        }
        long id = Bytes.parseLong(a[2], Long.MIN_VALUE);
        if (id == Long.MIN_VALUE) {
            throw KvError.NOT_INTEGER;
        }
        boolean error = false;
        if (a.length == 4) {
            if (Bytes.is(a[3], "error")) {
                error = true;
            } else if (!Bytes.is(a[3], "timeout")) {
                throw new KvError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            }
        }
        Blocking.Blocked target = null;
        if (c.store.host != null) {
            for (Client other : c.store.host.clients()) {
                if (other.id == id) {
                    target = other.blocked;
                }
            }
        }
        boolean ended = target != null && c.store.blocking.end(target, error
                ? r -> r.error("UNBLOCKED client unblocked via CLIENT UNBLOCK") : target.timeoutReply);
        c.out.integer(ended ? 1 : 0);
    }

    private static String describe(Client c, long now) {
        String cmd = c.lastCommand == null ? "NULL" : Bytes.lowerName(c.lastCommand);
        return "id=" + c.id + " addr=" + c.address + " name=" + (c.name == null ? "" : c.name)
                + " age=" + (now - c.createdMillis) / 1000 + " db=" + c.db + " cmd=" + cmd.toLowerCase(Locale.ROOT);
    }

    static void arity(byte[][] a, int n, String full) {
        if (a.length != n) {
            throw KvError.wrongArgs(full);
        }
    }

    /** HELLO [protover [SETNAME name]]: RESP2 only; the reply is the server's map as a flat array. */
    private static void hello(Client c, byte[][] a) {
        int i = 1;
        if (a.length > 1) {
            long v = Bytes.parseLong(a[1], -1);
            if (v == -1 && !Bytes.is(a[1], "-1")) {
                throw new KvError("ERR Protocol version is not an integer or out of range");
            }
            if (v != 2) {
                throw new KvError("NOPROTO unsupported protocol version");
            }
            i = 2;
        }
        for (; i < a.length; i++) {
            if (Bytes.is(a[i], "setname") && i + 1 < a.length) {
                c.name = Bytes.str(a[++i]);
            } else if (Bytes.is(a[i], "auth") && i + 2 < a.length) {
                i += 2;
            } else {
                throw new KvError("ERR Syntax error in HELLO option '" + Bytes.str(a[i]) + "'");
            }
        }
        c.out.array(14);
        c.out.bulk("server");
        c.out.bulk("redis");
        c.out.bulk("version");
        c.out.bulk(ServerCommands.REDIS_VERSION);
        c.out.bulk("proto");
        c.out.integer(2);
        c.out.bulk("id");
        c.out.integer(c.id);
        c.out.bulk("mode");
        c.out.bulk("standalone");
        c.out.bulk("role");
        c.out.bulk("master");
        c.out.bulk("modules");
        c.out.array(0);
    }
}
