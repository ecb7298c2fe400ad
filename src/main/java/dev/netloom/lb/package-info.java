/**
 * The load balancer {@code lb}: pools of servers behind one port each, balanced per connection
 * (tcp mode, layer 4) or per request (http mode, layer 7, on the shared {@code http1} codec:
 * RFC 9110 and RFC 9112 for forwarding, hop-by-hop fields dropped, RFC 7239 {@code Forwarded}
 * or the de facto {@code X-Forwarded-For}/{@code X-Forwarded-Proto}, {@code X-Request-Id}).
 *
 * <p>{@link dev.netloom.lb.LbService} has one listener per {@link dev.netloom.lb.Pool}; a
 * connection is served by a {@link dev.netloom.lb.TcpSession} (a {@link dev.netloom.lb.LoopSplice}
 * to the server) or an {@link dev.netloom.lb.HttpSession} (requests routed one by one, kept-alive
 * {@link dev.netloom.lb.ServerConnection}s reused, the common exchange done by {@link
 * dev.netloom.lb.FastPath}). The bytes move on the service's event loops ({@link
 * dev.netloom.lb.IoLoop}, one per processor; see docs/design.md), each connection's virtual
 * thread doing the control work. The algorithms work on {@link
 * dev.netloom.lb.Backend} objects, not sockets, so the service and the distribution tests share
 * them: nginx's smooth weighted round-robin, weighted least-connections, random with two
 * choices, a consistent-hash ring. Health is HAProxy's model: active checks with {@code fall}
 * and {@code rise} ({@link dev.netloom.lb.Checker}), passive ejection after consecutive errors,
 * slow start, administrative states DRAIN and MAINT; the access log is HAProxy's http and tcp
 * log formats ({@link dev.netloom.lb.Transaction}).
 *
 * <p>Left out: TLS termination, content switching between pools, WebSocket/Upgrade relay (101 is
 * a 502), HTTP/2, stick tables, agent checks, a per-server queue for hashed requests.
 */
package dev.netloom.lb;
