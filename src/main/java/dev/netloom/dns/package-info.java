/**
 * DNS client protocol, built by hand on plain sockets: messages as RFC 1035 §4 lays them out
 * ({@link dev.netloom.dns.DnsMessage}, encoded and parsed by {@link dev.netloom.dns.DnsCodec}
 * with name compression, §4.1.4), typed record data for A, NS, CNAME, SOA, PTR, MX, TXT
 * (RFC 1035 §3.3), AAAA (RFC 3596), SRV (RFC 2782) and the EDNS0 OPT pseudo-record
 * (RFC 6891), queries over UDP with a TCP retry on truncation and TCP's two-byte length framing
 * (RFC 7766) in {@link dev.netloom.dns.DnsClient}, and dig's output in
 * {@link dev.netloom.dns.DigFormat}. Reverse names follow RFC 1035 §3.5 (in-addr.arpa) and
 * RFC 3596 §2.5 (ip6.arpa).
 *
 * <p>Left out: DNSSEC (no DO bit, no RRSIG/DNSKEY types beyond their RFC 3597 generic form),
 * TSIG, EDNS cookies, DNS over TLS or HTTPS, zone transfers, internationalized names (a name
 * is taken as the bytes of its labels), a cache, and searching the resolv.conf {@code search}
 * list: a name is always queried as given, as an absolute name.
 */
package dev.netloom.dns;
