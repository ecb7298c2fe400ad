import com.sun.net.httpserver.*;
import java.net.*;
import java.util.concurrent.*;
/**
 * The ceiling of com.sun.net.httpserver on this machine, for bench/jdk-httpserver-ceiling.sh: one
 * handler that answers every request with the same 90-byte JSON object, nothing else.
 *
 *   java bench/JdkHttpHello.java PORT virtual|inline|pool
 *
 * virtual: a virtual thread per exchange (as the rest service); inline: the server's own
 * dispatcher thread (its default); pool: 4 platform threads. TCP_NODELAY on, as netloom sets it.
 */
public class JdkHttpHello {
  public static void main(String[] a) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(a[0])), 1024);
    byte[] body = "{\"id\":1,\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\",\"role\":\"admin\",\"age\":36}".getBytes();
    s.createContext("/", ex -> { ex.getResponseHeaders().set("Content-Type","application/json"); ex.sendResponseHeaders(200, body.length); try (var o = ex.getResponseBody()) { o.write(body);} });
    switch (a[1]) {
      case "virtual" -> s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      case "inline" -> s.setExecutor(null);
      case "pool" -> s.setExecutor(Executors.newFixedThreadPool(4));
    }
    s.start();
    System.out.println("listening on " + s.getAddress().getPort());
  }
}
