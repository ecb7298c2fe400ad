package dev.netloom.chat;

import dev.netloom.core.Connection;
import dev.netloom.core.LineReader;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/*
 * The chat line protocol (UTF-8, one line per message, LF or CRLF from clients, LF to them):
 *
 *   server: * welcome to netloom chat; pick a nick (...): type it, or /nick NAME
 *   client: alice
 *   server: * you are alice, in #lobby (2 members); /help lists the commands
 *   others: * alice joined #lobby
 *   client: hello                     others in the room: <alice> hello
 *   client: /me waves                 others in the room: * alice waves
 *   client: /msg bob hi               bob: *alice* hi        alice: -> *bob* hi
 *   client: /nick al                  the room: * alice is now al
 *   client: /join dev                 #lobby: * al left #lobby (to #dev)   #dev: * al joined #dev
 *   client: /rooms                    * rooms: #dev (1), #lobby (1)
 *   client: /who [ROOM]               * in #dev: al
 *   client: /quit                     * bye     the room: * al left #dev (quit)
 *   a member far behind (its queue half full) gets, instead of the join/leave/nick notices that
 *   did not fit:                      * 812 join/leave/nick notices skipped while you were behind; /who lists your room
 *
 * Errors are one line starting "ERR " and the connection stays. Control characters in what a
 * member sends (CR, ESC, ..., and the bidi embedding/override/isolate controls) become U+FFFD and a tab a space, so nothing one member sends can
 * move another's cursor, colour its terminal or start a line of its own.
 */

/** One member's connection: reads its lines, runs its commands, and says goodbye for it. */
final class ChatSession {

    private static final String HELP = "* commands: /nick NAME, /join ROOM, /rooms, /who [ROOM], /msg NICK TEXT, "
            + "/me ACTION, /quit, /help; anything else is said to your room";

    private final ChatService service;
    private final Connection connection;
    private final LineReader lines;
    private final ChatRooms rooms;
    private final ChatMember member;
    private volatile String leaving;

    ChatSession(ChatService service, Connection connection, LineReader lines, OutputStream out) {
        this.service = service;
        this.connection = connection;
        this.lines = lines;
        this.rooms = service.rooms();
        this.member = new ChatMember(connection, out, service.chat(), service.writers(), () -> leaving = "too slow: its queue of "
                + service.chat().queue() + " lines was full");
        connection.activity(member);
    }

    ChatMember member() {
        return member;
    }

    void run() throws IOException {
        member.send("* welcome to netloom chat; pick a nick (a letter, then letters, digits, _ or -; at most 20): "
                + "type it, or /nick NAME");
        boolean quit = false;
        try {
            // the live member, not a snapshot of it: a nick taken by this line shows in `conns` by
            // the time the member is told, not only once the exchange has ended
            while (!quit && lines.await() && connection.busy(member)) {
                LineReader.Line line = lines.read();
                if (line == null) {
                    break;
                }
                if (line.tooLong()) {
                    connection.stats().error();
                    member.send("ERR line too long (max " + service.chat().maxLine() + " bytes)");
                } else {
                    connection.stats().request();
                    quit = handle(clean(line.text()));
                }
                if (!connection.idle()) {
                    break;
                }
                connection.activity(member);
            }
        } finally {
            goodbye(quit);
        }
    }

    /** The line with control characters made harmless. */
    static String clean(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029' || bidi(ch)) {
                if (b == null) {
                    b = new StringBuilder(text.substring(0, i));
                }
                b.append(ch == '\t' ? ' ' : '\uFFFD');
            } else if (b != null) {
                b.append(ch);
            }
        }
        return b == null ? text : b.toString();
    }

    /**
     * The bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069):
     * one of them left open reverses or reorders the rest of the line, and on some terminals the
     * lines after it, as displayed ("Trojan Source", CVE-2021-42574).
     */
    private static boolean bidi(char ch) {
        return (ch >= '\u202A' && ch <= '\u202E') || (ch >= '\u2066' && ch <= '\u2069');
    }

    /** Runs one line; true when the member quits. */
    private boolean handle(String text) {
        if (member.nick == null) {
            String nick = text.startsWith("/nick ") ? text.substring(6).strip() : text.strip();
            if (text.startsWith("/") && !text.startsWith("/nick ")) {
                if (text.equals("/quit")) {
                    member.send("* bye");
                    return true;
                }
                member.send(text.equals("/help") ? HELP : "ERR pick a nick first: type it, or /nick NAME");
                return false;
            }
            if (validNick(nick) && claim(nick)) {
                ChatRooms.Room room = enter(ChatRooms.LOBBY);
                member.send("* you are " + nick + ", in #" + room.name() + " (" + count(room) + "); /help lists the commands");
            }
            return false;
        }
        if (!text.startsWith("/") || text.startsWith("//")) {
            if (!text.isEmpty()) {
                member.room.broadcast("<" + member.nick + "> " + (text.startsWith("//") ? text.substring(1) : text), member);
            }
            return false;
        }
        int space = text.indexOf(' ');
        String command = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
        String arg = space < 0 ? "" : text.substring(space + 1).strip();
        switch (command) {
            case "/help" -> member.send(HELP);
            case "/nick" -> nick(arg);
            case "/join" -> join(arg);
            case "/rooms" -> member.send("* rooms: " + String.join(", ", rooms.roomList()));
            case "/who" -> who(arg);
            case "/msg" -> msg(arg);
            case "/me" -> {
                if (arg.isEmpty()) {
                    member.send("ERR usage: /me ACTION");
                } else {
                    member.room.broadcast("* " + member.nick + " " + arg, member);
                }
            }
            case "/quit" -> {
                member.send("* bye");
                return true;
            }
            default -> member.send("ERR unknown command " + command + " (/help lists them)");
        }
        return false;
    }

    private boolean validNick(String nick) {
        if (!ChatRooms.NICK.matcher(nick).matches()) {
            member.send("ERR a nick is a letter, then letters, digits, _ or -, at most 20 in all");
            return false;
        }
        return true;
    }

    private boolean claim(String nick) {
        if (!rooms.claim(member, nick)) {
            member.send("ERR the nick " + nick + " is taken");
            return false;
        }
        return true;
    }

    private static String count(ChatRooms.Room room) {
        int n = room.members().size();
        return n + (n == 1 ? " member" : " members");
    }

    private ChatRooms.Room enter(String name) {
        ChatRooms.Room old = rooms.join(member, name);
        if (old != null) {
            old.notice("* " + member.nick + " left #" + old.name() + " (to #" + name + ")", member);
        }
        ChatRooms.Room room = member.room;
        room.notice("* " + member.nick + " joined #" + room.name(), member);
        return room;
    }

    private void nick(String nick) {
        String old = member.nick;
        if (nick.equals(old)) {
            member.send("* you are already " + nick);
        } else if (validNick(nick) && claim(nick)) {
            member.room.notice("* " + old + " is now " + nick, member);
            member.send("* you are now " + nick);
        }
    }

    private void join(String arg) {
        String name = arg.startsWith("#") ? arg.substring(1) : arg;
        if (!ChatRooms.ROOM.matcher(name).matches()) {
            member.send("ERR usage: /join ROOM (letters, digits, _ or -, at most 32)");
        } else if (member.room.name().equals(name)) {
            member.send("* you are already in #" + name);
        } else {
            ChatRooms.Room room = enter(name);
            member.send("* you are in #" + room.name() + " (" + count(room) + ")");
        }
    }

    private void who(String arg) {
        String name = arg.isEmpty() ? member.room.name() : arg.startsWith("#") ? arg.substring(1) : arg;
        ChatRooms.Room room = rooms.room(name);
        if (room == null) {
            member.send("ERR no room #" + name);
        } else {
            member.send("* in #" + room.name() + ": " + String.join(", ", ChatRooms.who(room)));
        }
    }

    private void msg(String arg) {
        int space = arg.indexOf(' ');
        if (space < 0 || arg.substring(space + 1).isBlank()) {
            member.send("ERR usage: /msg NICK TEXT");
            return;
        }
        String to = arg.substring(0, space);
        String text = arg.substring(space + 1).strip();
        ChatMember target = rooms.byNick(to);
        if (target == null) {
            member.send("ERR no such nick: " + to);
            return;
        }
        target.send("*" + member.nick + "* " + text);
        member.send("-> *" + target.nick + "* " + text);
    }

    private void goodbye(boolean quit) {
        ChatRooms.Room room = member.room;
        String nick = member.nick;
        rooms.remove(member);
        if (room != null && nick != null) {
            String why = member.kicked ? "kicked" : leaving != null ? leaving : quit ? "quit" : null;
            room.notice("* " + nick + " left #" + room.name() + (why == null ? "" : " (" + why + ")"), member);
        }
        member.finish();
    }
}
