package dev.netloom.monitor.decode;

import dev.netloom.dns.DnsMessage;

/**
 * What the payload of a TCP or UDP packet says, read from one packet without reassembly: a
 * DNS message, or the first line of a line protocol (HTTP/1.1 start line, SMTP, FTP, RESP,
 * netloom's chat).
 */
public sealed interface AppLayer extends Layer {

    /**
     * A DNS message (RFC 1035), from UDP or TCP port 53 or mDNS's 5353; over TCP the segment must
     * hold the 2-byte length and the whole message. {@code length} is the message's length.
     */
    record Dns(int offset, DnsMessage message, int length, boolean overTcp, boolean multicast) implements AppLayer {

        @Override
        public String path() {
            return multicast ? "mdns" : "dns";
        }
    }

    /**
     * The first line of a payload, without its line end, in a protocol named by {@code name}
     * ({@code http}, {@code smtp}, {@code ftp}, {@code resp}, {@code chat}). For RESP an array
     * of bulk strings ({@code *2 $3 GET $1 k}) becomes the command words joined by spaces
     * ({@code GET k}); non-printable bytes become {@code .}; at most 200 characters.
     */
    record Line(int offset, String name, String line) implements AppLayer {

        @Override
        public String path() {
            return name;
        }
    }
}
