package dev.netloom.kv;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import static dev.netloom.kv.CommandFlag.ADMIN;
import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.NOSCRIPT;
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
                new Command("quit", -1, Set.of(NOSCRIPT, FAST, STALE), KeySpec.NONE, (c, a) -> {
                    c.quit = true;
                    c.out.ok();
                }),
                new Command("select", 2, Set.of(FAST, STALE), KeySpec.NONE, ConnectionCommands::select),
                new Command("client", -2, Set.of(NOSCRIPT, ADMIN, STALE), KeySpec.NONE, ConnectionCommands::client),
                new Command("hello", -1, Set.of(NOSCRIPT, FAST, STALE), KeySpec.NONE, ConnectionCommands::hello),
                new Command("auth", -2, Set.of(NOSCRIPT, FAST, STALE), KeySpec.NONE, (c, a) -> {
                    throw new KvError("ERR AUTH <password> called without any password configured for the default user. "
                            + "Are you sure your configuration is correct?");
                }),
                new Command("reset", 1, Set.of(NOSCRIPT, FAST, STALE), KeySpec.NONE, (c, a) -> {
                    TransactionCommands.reset(c);
                    c.name = null;
                    c.db = 0;
                    c.store.pubsub.removeAll(c); // leaves subscribed mode, without a word
                    c.out.proto(2);
                    c.out.simple("RESET");
                }));
    }

    private static void ping(Client c, byte[][] a) {
        if (a.length > 2) {
            throw KvError.wrongArgs("ping");
        }
        if (c.subscriptions() > 0 && !c.out.resp3()) {
            // RESP2's subscribed mode: a reply must look like a message (Redis's pingCommand)
            c.out.array(2);
            c.out.bulk("pong");
            c.out.bulk(a.length == 2 ? a[1] : new byte[0]);
        } else if (a.length == 2) {
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
            case "info" -> {
                arity(a, 2, "client|info");
                c.out.verbatim(describe(c, System.currentTimeMillis()) + "\n");
            }
            case "unblock" -> unblock(c, a);
            case "list" -> clientList(c, a);
            case "kill" -> clientKill(c, a);
            case "no-evict" -> {
                arity(a, 3, "client|no-evict");
                onOff(a[2]);
                c.out.ok();
            }
            case "reply" -> {
                arity(a, 3, "client|reply");
                if (Bytes.is(a[2], "on")) {
                    c.replyOff = false;
                    c.replySkip = 0;
                    c.out.ok();
                } else if (Bytes.is(a[2], "off")) {
                    c.replyOff = true; // from this command on (see KvStore#execute)
                } else if (Bytes.is(a[2], "skip")) {
                    c.replySkip = 2; // this command and the next
                } else {
                    throw KvError.SYNTAX;
                }
            }
            case "pause" -> {
                if (a.length < 3 || a.length > 4) {
                    throw KvError.wrongArgs("client|pause");
                }
                if (Bytes.parseLong(a[2], -1) < 0) {
                    throw new KvError("ERR timeout is not an integer or out of range");
                }
                if (a.length == 4 && !Bytes.is(a[3], "write") && !Bytes.is(a[3], "all")) {
                    throw KvError.SYNTAX;
                }
                c.out.ok(); // accepted: with no replicas to fail over to, a pause has nothing to protect
            }
            case "unpause" -> {
                arity(a, 2, "client|unpause");
                c.out.ok();
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

    private static void onOff(byte[] arg) {
        if (!Bytes.is(arg, "on") && !Bytes.is(arg, "off")) {
            throw KvError.SYNTAX;
        }
    }

    private static List<Client> clients(Client c) {
        return c.store.host != null ? c.store.host.clients() : List.of(c);
    }

    /** CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id ...]: one line per client, by id. */
    private static void clientList(Client c, byte[][] a) {
        Set<Long> ids = null;
        boolean none = false;
        for (int i = 2; i < a.length; i++) {
            if (Bytes.is(a[i], "type") && i + 1 < a.length) {
                String type = Bytes.lowerName(a[++i]);
                if (!List.of("normal", "master", "replica", "slave", "pubsub").contains(type)) {
                    throw new KvError("ERR Unknown client type '" + Bytes.str(a[i]) + "'");
                }
                none |= !type.equals("normal");
            } else if (Bytes.is(a[i], "id") && i + 1 < a.length) {
                ids = new HashSet<>();
                for (i++; i < a.length; i++) {
                    long id = Bytes.parseLong(a[i], 0);
                    if (id <= 0) {
                        throw new KvError("ERR Invalid client ID");
                    }
                    ids.add(id);
                }
            } else {
                throw KvError.SYNTAX;
            }
        }
        List<Client> all = new ArrayList<>(clients(c));
        all.sort(Comparator.comparingLong(x -> x.id));
        StringBuilder sb = new StringBuilder();
        long now = System.currentTimeMillis();
        for (Client other : all) {
            if (!none && (ids == null || ids.contains(other.id))) {
                sb.append(describe(other, now)).append('\n');
            }
        }
        c.out.verbatim(sb.toString());
    }

    /**
     * CLIENT KILL addr (the old form: OK, or "No such client"), or CLIENT KILL [ID id] [ADDR a]
     * [LADDR a] [SKIPME yes|no] [TYPE t] [USER u] [MAXAGE s] (how many were killed; SKIPME yes by
     * default). A killed client's connection is closed; the caller itself, after this reply.
     */
    private static void clientKill(Client c, byte[][] a) {
        if (a.length == 3) {
            int n = kill(c, x -> x.address.equals(Bytes.str(a[2])), false);
            if (n == 0) {
                throw new KvError("ERR No such client");
            }
            c.out.ok();
            return;
        }
        if (a.length % 2 != 0) {
            throw KvError.SYNTAX;
        }
        List<Predicate<Client>> tests = new ArrayList<>();
        boolean skipMe = true;
        for (int i = 2; i < a.length; i += 2) {
            byte[] v = a[i + 1];
            String s = Bytes.str(v);
            if (Bytes.is(a[i], "id")) {
                long id = Bytes.parseLong(v, 0);
                if (id <= 0) {
                    throw new KvError("ERR client-id should be greater than 0");
                }
                tests.add(x -> x.id == id);
            } else if (Bytes.is(a[i], "addr")) {
                tests.add(x -> x.address.equals(s));
            } else if (Bytes.is(a[i], "laddr")) {
                tests.add(x -> x.localAddress.equals(s));
            } else if (Bytes.is(a[i], "skipme")) {
                if (!Bytes.is(v, "yes") && !Bytes.is(v, "no")) {
                    throw KvError.SYNTAX;
                }
                skipMe = Bytes.is(v, "yes");
            } else if (Bytes.is(a[i], "type")) {
                String type = Bytes.lowerName(v);
                if (!List.of("normal", "master", "replica", "slave", "pubsub").contains(type)) {
                    throw new KvError("ERR Unknown client type '" + s + "'");
                }
                tests.add(x -> type.equals("normal"));
            } else if (Bytes.is(a[i], "user")) {
                if (!s.equals("default")) {
                    throw new KvError("ERR No such user '" + s + "'");
                }
            } else if (Bytes.is(a[i], "maxage")) {
                long age = Bytes.toLong(v);
                tests.add(x -> (System.currentTimeMillis() - x.createdMillis) / 1000 >= age);
            } else {
                throw KvError.SYNTAX;
            }
        }
        c.out.integer(kill(c, x -> tests.stream().allMatch(t -> t.test(x)), skipMe));
    }

    private static int kill(Client c, Predicate<Client> which, boolean skipMe) {
        int n = 0;
        for (Client other : clients(c)) {
            if (!which.test(other) || (skipMe && other == c)) {
                continue;
            }
            n++;
            if (other == c) {
                c.quit = true; // after this reply, as Redis closes the caller
            } else if (other.kill != null) {
                other.kill.run();
            }
        }
        return n;
    }

    /** A CLIENT LIST line, with Redis 7.0's fields (the buffers' are netloom's own: none held between commands). */
    private static String describe(Client c, long now) {
        String cmd = c.lastCommand == null ? "NULL" : Bytes.lowerName(c.lastCommand);
        return "id=" + c.id + " addr=" + c.address + " laddr=" + c.localAddress + " fd=-1 name=" + (c.name == null ? "" : c.name)
                + " age=" + (now - c.createdMillis) / 1000 + " idle=" + (now - c.lastMillis) / 1000
                + " flags=" + (c.subscriptions() > 0 ? "P" : "N") + " db=" + c.db + " sub=" + c.channels.size()
                + " psub=" + c.patterns.size() + " ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0"
                + " obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=" + cmd + " user=default redir=-1 resp=" + c.out.proto();
    }

    static void arity(byte[][] a, int n, String full) {
        if (a.length != n) {
            throw KvError.wrongArgs(full);
        }
    }

    /** HELLO [protover [AUTH user pass] [SETNAME name]]: switches to RESP2 or RESP3; the reply is the server's map. */
    private static void hello(Client c, byte[][] a) {
        int i = 1;
        long v = 0;
        if (a.length > 1) {
            v = Bytes.parseLong(a[1], -1);
            if (v == -1 && !Bytes.is(a[1], "-1")) {
                throw new KvError("ERR Protocol version is not an integer or out of range");
            }
            if (v != 2 && v != 3) {
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
        if (v != 0) {
            c.out.proto((int) v);
        }
        c.out.map(7);
        c.out.bulk("server");
        c.out.bulk("redis");
        c.out.bulk("version");
        c.out.bulk(ServerCommands.REDIS_VERSION);
        c.out.bulk("proto");
        c.out.integer(c.out.proto());
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
