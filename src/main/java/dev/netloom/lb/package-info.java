/**
 * The load balancer {@code lb} (issue 17), built so far as far as its balancing: the server
 * list as {@code lb.servers} writes it ({@link dev.netloom.lb.ServerSpec}), and the algorithms
 * over the servers that are up ({@link dev.netloom.lb.Balancer}): smooth weighted round-robin as
 * nginx's, weighted least-connections with round-robin ties, random with two choices, and a
 * consistent-hash ring for source, URI and header hashing. They work on {@link
 * dev.netloom.lb.Backend} objects, not sockets, so the service and the distribution tests share
 * one implementation.
 */
package dev.netloom.lb;
