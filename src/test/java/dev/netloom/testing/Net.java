package dev.netloom.testing;

import dev.netloom.core.Service;
import dev.netloom.core.ServiceType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test helpers: start a real service on 127.0.0.1:0 and talk to it over real sockets. */
public final class Net {

    private Net() {
    }

    /** Starts {@code type} on port 0 with {@code key=value} overrides; close it with try-with-resources. */
    public static Service start(ServiceType type, String... overrides) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("port", "0");
        for (String kv : overrides) {
            int eq = kv.indexOf('=');
            map.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Service s = type.create(type.settings(Map.of(), map));
        s.start();
        return s;
    }

    /** A client socket connected to {@code s}, with a 10 s read timeout so no test hangs. */
    public static Socket connect(Service s) throws IOException {
        Socket socket = new Socket(s.address().getAddress(), s.address().getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Reads one line up to and including LF; the text without the terminator, or null at EOF. */
    public static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return buf.toString(StandardCharsets.UTF_8);
            }
            buf.write(b);
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.UTF_8);
    }

    public static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] data = in.readNBytes(n);
        if (data.length != n) {
            throw new IOException("stream ended after " + data.length + " of " + n + " bytes");
        }
        return data;
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
