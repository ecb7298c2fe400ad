/**
 * The runtime every service stands on: the {@link dev.netloom.core.Service} lifecycle and
 * {@link dev.netloom.core.ServiceRegistry}; the blocking {@link dev.netloom.core.TcpServer} (one
 * virtual thread per connection) and {@link dev.netloom.core.UdpServer} bases; connections and
 * their counters; typed configuration keys checked when loaded; the line reader that line
 * protocols share; and logging set-up. Nothing here knows any particular protocol.
 */
package dev.netloom.core;
