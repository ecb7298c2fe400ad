package dev.netloom.chat;

import dev.netloom.core.Connection;
import dev.netloom.core.LineReader;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.StopResult;
import dev.netloom.core.TcpServer;
import dev.netloom.core.WriterPool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code chat} service: a line protocol chat room usable from netcat (see
 * {@link ChatSession} for the commands and what each line looks like). Every member has its own
 * outbound queue ({@link ChatMember}), written by a small pool of writers ({@link WriterPool}); over the connection limit a client is
 * told {@code ERR server busy: too many connections (max N)} and closed.
 */
public class ChatService extends TcpServer {

    private final ChatConfig chat;
    private final ChatRooms rooms = new ChatRooms();
    private final Map<Long, ChatMember> members = new ConcurrentHashMap<>();
    private volatile WriterPool writers;

    public static ServiceType type() {
        return new ServiceType("chat", "multi-room chat over TCP, line protocol (nc works)", ServiceType.Transport.TCP,
                ChatConfig.DEFAULT_PORT, ChatConfig.keys(ChatConfig.DEFAULT_PORT), ChatService::new);
    }

    public ChatService(Settings settings) {
        super(settings);
        this.chat = ChatConfig.from(settings);
    }

    @Override
    protected void serve(Connection c) throws IOException {
        serve(c, c.in(), c.out());
    }

    /** Serves a member over {@code in} and {@code out}: the connection's own, or a TLS layer's. */
    protected final void serve(Connection c, InputStream in, OutputStream out) throws IOException {
        ChatSession session = new ChatSession(this, c, new LineReader(in, chat.maxLine()), out);
        members.put(c.id(), session.member());
        try {
            session.run();
        } finally {
            members.remove(c.id());
        }
    }

    @Override
    protected InetSocketAddress open() throws IOException {
        writers = new WriterPool(name(), Runtime.getRuntime().availableProcessors());
        try {
            return super.open();
        } catch (IOException | RuntimeException e) {
            writers.close(); // a failed start is not stopped
            throw e;
        }
    }

    @Override
    protected StopResult shutdown(Duration grace) {
        try {
            return super.shutdown(grace);
        } finally {
            WriterPool w = writers;
            if (w != null) {
                w.close();
            }
        }
    }

    WriterPool writers() {
        return writers;
    }

    ChatConfig chat() {
        return chat;
    }

    ChatRooms rooms() {
        return rooms;
    }

    @Override
    protected void refuse(OutputStream out) throws IOException {
        out.write(("ERR server busy: too many connections (max " + config.maxConnections() + ")\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    /** Kicks a member: its room is told, then the connection closes. */
    @Override
    public boolean kill(long id) {
        ChatMember m = members.get(id);
        if (m != null) {
            m.kicked = true;
        }
        return super.kill(id);
    }

    @Override
    public List<String> details() {
        WriterPool w = writers;
        return List.of(rooms.members() + " member(s) with a nick; rooms: " + String.join(", ", rooms.roomList()),
                (w == null ? 0 : w.size()) + " writer thread(s)");
    }
}
