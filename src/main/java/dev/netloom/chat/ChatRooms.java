package dev.netloom.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Who is here: nicks (unique, compared case-insensitively) and rooms (made on demand, removed
 * when the last member leaves, except {@code lobby}). Membership changes take one lock, so a
 * join, a leave and a nick change are each seen whole; sending to a room does not take it.
 */
final class ChatRooms {

    static final String LOBBY = "lobby";
    static final Pattern NICK = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,19}");
    static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    /** A room and its members. */
    record Room(String name, Set<ChatMember> members) {
        /** Sends {@code line} to every member but {@code except} (which may be null). */
        void broadcast(String line, ChatMember except) {
            byte[] b = ChatMember.encode(line);
            for (ChatMember m : members) {
                if (m != except) {
                    m.send(b);
                }
            }
        }

        /** Tells every member but {@code except} of a join, leave or nick change ({@link ChatMember#notice}). */
        void notice(String line, ChatMember except) {
            byte[] b = ChatMember.encode(line);
            for (ChatMember m : members) {
                if (m != except) {
                    m.notice(b);
                }
            }
        }
    }

    private final Map<String, ChatMember> nicks = new ConcurrentHashMap<>();
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();

    ChatRooms() {
        rooms.put(LOBBY, new Room(LOBBY, ConcurrentHashMap.newKeySet()));
    }

    private static String key(String nick) {
        return nick.toLowerCase(Locale.ROOT);
    }

    /** Gives {@code member} the nick; false when another member has it (in any case). */
    boolean claim(ChatMember member, String nick) {
        lock.lock();
        try {
            ChatMember holder = nicks.get(key(nick));
            if (holder != null && holder != member) {
                return false;
            }
            if (member.nick != null) {
                nicks.remove(key(member.nick));
            }
            nicks.put(key(nick), member);
            member.nick = nick;
            return true;
        } finally {
            lock.unlock();
        }
    }

    ChatMember byNick(String nick) {
        return nicks.get(key(nick));
    }

    /** Moves the member into the room (made if new); returns the room it left, or null. */
    Room join(ChatMember member, String name) {
        lock.lock();
        try {
            Room old = member.room;
            if (old != null) {
                leaveLocked(member, old);
            }
            Room room = rooms.computeIfAbsent(name, n -> new Room(n, ConcurrentHashMap.newKeySet()));
            room.members().add(member);
            member.room = room;
            return old;
        } finally {
            lock.unlock();
        }
    }

    /** Removes the member from its room and frees its nick. */
    void remove(ChatMember member) {
        lock.lock();
        try {
            if (member.room != null) {
                leaveLocked(member, member.room);
                member.room = null;
            }
            if (member.nick != null) {
                nicks.remove(key(member.nick), member);
            }
        } finally {
            lock.unlock();
        }
    }

    private void leaveLocked(ChatMember member, Room room) {
        room.members().remove(member);
        if (room.members().isEmpty() && !room.name().equals(LOBBY)) {
            rooms.remove(room.name(), room);
        }
    }

    Room room(String name) {
        return rooms.get(name);
    }

    /** Every room with its member count, by name. */
    List<String> roomList() {
        List<String> out = new ArrayList<>();
        rooms.values().stream().sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(r -> out.add("#" + r.name() + " (" + r.members().size() + ")"));
        return out;
    }

    /** The nicks in a room, sorted case-insensitively. */
    static List<String> who(Room room) {
        return room.members().stream().map(m -> m.nick).filter(n -> n != null)
                .sorted(String.CASE_INSENSITIVE_ORDER).toList();
    }

    int members() {
        return nicks.size();
    }
}
