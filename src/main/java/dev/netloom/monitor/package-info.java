/**
 * The monitor's bandwidth history, probes and live rates (docs/monitor.md): interface counters from Linux's
 * {@code /proc/net/dev} (proc(5)) added up per minute, hour and day in SQLite as vnStat keeps
 * them, ICMP (RFC 792), UDP and TCP probes with loss, RTT percentiles and RFC 3550's jitter, and
 * {@code monitor top}'s rates per conversation (TrafficTop).
 * Capture, files and decoders are in {@code monitor.pcap} and {@code monitor.decode}, the traffic
 * analysis in {@code monitor.analysis}. Left out: a sampler under {@code serve} (the interactive
 * shell samples).
 */
package dev.netloom.monitor;
