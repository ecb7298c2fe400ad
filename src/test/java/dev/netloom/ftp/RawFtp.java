package dev.netloom.ftp;

import dev.netloom.core.Service;
import dev.netloom.testing.Net;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A bare FTP client for tests: a plain socket, one command line at a time (so a test knows each
 * byte it sends), replies read whole (multi-line ones too), and data connections on plain sockets
 * set up by EPSV, PASV, PORT or EPRT.
 */
final class RawFtp implements Closeable {

    private final Socket control;
    private final InputStream in;
    private final OutputStream out;
    private String reply;
    private long sent;
    private long received;

    private RawFtp(Socket control) throws IOException {
        this.control = control;
        this.in = control.getInputStream();
        this.out = control.getOutputStream();
    }

    /** Connected to {@code s} and logged in as {@code user}. */
    static RawFtp login(Service s, String user, String password) throws IOException {
        RawFtp f = new RawFtp(Net.connect(s));
        assertEquals(220, f.reply());
        assertEquals(331, f.send("USER " + user));
        assertEquals(230, f.send("PASS " + password));
        return f;
    }

    /** Sends {@code line} (CRLF added) and returns the reply's code. */
    int send(String line) throws IOException {
        byte[] b = (line + "\r\n").getBytes(StandardCharsets.UTF_8);
        out.write(b);
        sent += b.length;
        return reply();
    }

    /** Reads the next reply and returns its code; its text is then {@link #text()}. */
    int reply() throws IOException {
        String first = line();
        if (first == null) {
            throw new IOException("the server closed the control connection");
        }
        StringBuilder all = new StringBuilder(first);
        if (first.length() > 3 && first.charAt(3) == '-') {
            String end = first.substring(0, 3) + " ";
            for (String l = line(); l != null; l = line()) {
                all.append('\n').append(l);
                if (l.startsWith(end)) {
                    break;
                }
            }
        }
        reply = all.toString().strip();
        return Integer.parseInt(first.substring(0, 3));
    }

    private String line() throws IOException {
        String l = Net.readLine(in); // up to LF, without it
        if (l != null) {
            received += l.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        return l;
    }

    /** Bytes of command lines sent so far. */
    long sent() {
        return sent;
    }

    /** Bytes of replies read so far (up to the last LF). */
    long received() {
        return received;
    }

    /** The text of the last reply. */
    String text() {
        return reply;
    }

    /** The data connection one of PASV, EPSV, PORT, EPRT has set up: we connect (passive) or accept (active). */
    record Data(ServerSocket listener, int port) implements Closeable {

        Socket open() throws IOException {
            Socket s = listener != null ? listener.accept() : new Socket(InetAddress.getLoopbackAddress(), port);
            s.setSoTimeout(10_000);
            return s;
        }

        @Override
        public void close() throws IOException {
            if (listener != null) {
                listener.close();
            }
        }
    }

    /** Sends {@code verb} (EPSV, PASV, PORT or EPRT) with what it needs: the data connection it sets up. */
    Data data(String verb) throws IOException {
        switch (verb) {
            case "EPSV" -> {
                assertEquals(229, send("EPSV"));
                return new Data(null, Integer.parseInt(reply.substring(reply.indexOf("|||") + 3, reply.lastIndexOf('|'))));
            }
            case "PASV" -> {
                assertEquals(227, send("PASV"));
                String[] f = reply.replaceAll("(?s).*\\((.*)\\).*", "$1").split(",");
                return new Data(null, Integer.parseInt(f[4].strip()) * 256 + Integer.parseInt(f[5].strip()));
            }
            default -> {
                ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ss.setSoTimeout(10_000);
                int p = ss.getLocalPort();
                String arg = verb.equals("EPRT") ? "|1|127.0.0.1|" + p + "|" : "127,0,0,1," + (p >> 8) + "," + (p & 0xff);
                assertEquals(200, send(verb + " " + arg), reply);
                return new Data(ss, 0);
            }
        }
    }

    /** {@code command} (RETR, LIST...) over a data connection set up by {@code verb}: what came, after a 226. */
    byte[] download(String verb, String command) throws IOException {
        try (Data d = data(verb)) {
            assertEquals(150, send(command), reply);
            byte[] got;
            try (Socket s = d.open()) {
                got = s.getInputStream().readAllBytes();
            }
            assertEquals(226, reply(), reply);
            return got;
        }
    }

    /** {@code command} (STOR, APPE, STOU) sending {@code content} over a data connection set up by EPSV, then a 226. */
    void upload(String command, byte[] content) throws IOException {
        try (Data d = data("EPSV")) {
            assertEquals(150, send(command), reply);
            try (Socket s = d.open()) {
                s.getOutputStream().write(content);
            }
            assertEquals(226, reply(), reply);
        }
    }

    @Override
    public void close() throws IOException {
        control.close();
    }
}
