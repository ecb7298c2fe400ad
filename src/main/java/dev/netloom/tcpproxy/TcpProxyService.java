package dev.netloom.tcpproxy;

import dev.netloom.core.Connection;
import dev.netloom.core.HostPort;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.Splice;
import dev.netloom.core.TcpServer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A TCP port forwarder, as socat's {@code TCP-LISTEN:9000,fork TCP:host:6379} or rinetd: one
 * listener per route of {@code tcp-proxy.routes}, each accepted connection relayed to the route's
 * target by a {@link Splice}. A target that cannot be reached within {@code connect-timeout}
 * (refused, unreachable, silent) gets the client closed at once. Bytes are counted per connection
 * (IN: from the client, OUT: to it) and per route ({@code status tcp-proxy}); {@code delay},
 * {@code drop-after} and {@code reset} inject faults for tests of other services.
 */
public final class TcpProxyService extends TcpServer {

    private static final System.Logger LOG = System.getLogger(TcpProxyService.class.getName());

    private final TcpProxyConfig proxy;
    private final List<RouteStats> routes;

    public static ServiceType type() {
        return new ServiceType("tcp-proxy", "TCP port forwarder (socat, rinetd): LISTEN_PORT -> HOST:PORT",
                ServiceType.Transport.TCP, TcpProxyConfig.DEFAULT_PORT, TcpProxyConfig.keys(), TcpProxyService::new);
    }

    /** @throws dev.netloom.core.ConfigException when the routes are missing or malformed */
    public TcpProxyService(Settings settings) {
        super(settings);
        this.proxy = TcpProxyConfig.from(settings);
        this.routes = proxy.routes().stream().map(RouteStats::new).toList();
    }

    @Override
    protected List<Integer> ports() {
        return proxy.routes().stream().map(Route::listenPort).toList();
    }

    /** Words a failed bind with the route it belongs to, which the generic message (it names {@code port}) would not. */
    @Override
    protected ServerSocket bind(int port) throws IOException {
        try {
            return super.bind(port);
        } catch (SocketException e) {
            Route r = proxy.routes().stream().filter(x -> x.listenPort() == port).findFirst().orElseThrow();
            String why = e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("in use")
                    ? "address already in use" : e.getMessage();
            throw new IOException("cannot listen on " + config.host() + ":" + port + " for route " + port + "="
                    + r.target() + ": " + why + " (change it in " + Route.KEY + ")", e);
        }
    }

    /** One per route: {@code 127.0.0.1:9000 (tcp) -> 127.0.0.1:6379}. */
    @Override
    public List<String> listeners() {
        List<InetSocketAddress> bound = addresses();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < bound.size(); i++) {
            lines.add(HostPort.format(bound.get(i)) + " (tcp) -> " + routes.get(i).route.target());
        }
        return lines;
    }

    @Override
    protected void serve(Connection c) throws IOException {
        RouteStats route = routeOf(c);
        route.total.increment();
        route.active.incrementAndGet();
        try {
            c.busy("connecting to " + route.route.target());
            SocketChannel target = connect(c, route);
            if (target == null) {
                return;
            }
            c.closeWith(target); // kill, the idle timeout or a stop wake a thread blocked on the target too
            try (target) {
                Splice tunnel = new Splice(c, target, route.route.target(), route.up, route.down,
                        new Splice.Faults(proxy.delay(), proxy.dropAfter(), proxy.reset()));
                c.busy(tunnel);
                tunnel.relay();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            route.active.decrementAndGet();
        }
    }

    /** The route whose listener accepted {@code c}: the one bound to its local port. */
    private RouteStats routeOf(Connection c) {
        int port = c.local().getPort();
        List<InetSocketAddress> bound = addresses();
        for (int i = 0; i < bound.size(); i++) {
            if (bound.get(i).getPort() == port) {
                return routes.get(i);
            }
        }
        throw new IllegalStateException("no route listens on port " + port);
    }

    /** Connects to the route's target; on failure closes the client at once (a reset with {@code reset}) and returns null. */
    private SocketChannel connect(Connection c, RouteStats route) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.socket().setTcpNoDelay(config.tcpNoDelay());
            InetSocketAddress to = new InetSocketAddress(route.route.host(), route.route.port());
            ch.socket().connect(to, (int) Math.min(Integer.MAX_VALUE, proxy.connectTimeout().toMillis()));
            return ch;
        } catch (IOException e) {
            ch.close();
            route.failed.increment();
            c.stats().error();
            LOG.log(Level.DEBUG, "tcp-proxy: connection {0}: {1}: {2}", c.id(), route.route.target(), e.toString());
            if (proxy.reset()) {
                c.reset();
            } else {
                c.close();
            }
            return null;
        }
    }

    /** One line per route: its listener, target, connections (active, total, failed) and bytes each way. */
    @Override
    public List<String> details() {
        List<InetSocketAddress> bound = addresses();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < routes.size(); i++) {
            String listen = i < bound.size() ? HostPort.format(bound.get(i))
                    : config.host() + ":" + routes.get(i).route.listenPort();
            lines.add(routes.get(i).describe(listen));
        }
        return lines;
    }
}
