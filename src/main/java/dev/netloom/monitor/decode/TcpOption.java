package dev.netloom.monitor.decode;

import java.util.List;

/**
 * One TCP option (RFC 9293 §3.1, RFC 7323 for window scale and timestamps, RFC 2018 for SACK),
 * in the order the header carries them. A kind this decoder does not know keeps its bytes.
 */
public sealed interface TcpOption {

    /** The option's kind byte. */
    int kind();

    /** End of option list (kind 0). */
    record End() implements TcpOption {
        @Override
        public int kind() {
            return 0;
        }
    }

    /** No-operation (kind 1), padding. */
    record Nop() implements TcpOption {
        @Override
        public int kind() {
            return 1;
        }
    }

    /** Maximum segment size (kind 2). */
    record Mss(int size) implements TcpOption {
        @Override
        public int kind() {
            return 2;
        }
    }

    /** Window scale (kind 3): the shift count. */
    record WindowScale(int shift) implements TcpOption {
        @Override
        public int kind() {
            return 3;
        }
    }

    /** SACK permitted (kind 4). */
    record SackPermitted() implements TcpOption {
        @Override
        public int kind() {
            return 4;
        }
    }

    /** SACK (kind 5): the blocks received, left and right edges as unsigned 32-bit values. */
    record Sack(List<SackBlock> blocks) implements TcpOption {
        public Sack {
            blocks = List.copyOf(blocks);
        }

        @Override
        public int kind() {
            return 5;
        }
    }

    /** One SACK block: the first sequence number received and the one after the last. */
    record SackBlock(long left, long right) {
    }

    /** Timestamps (kind 8): TSval and TSecr, unsigned 32-bit values. */
    record Timestamps(long value, long echoReply) implements TcpOption {
        @Override
        public int kind() {
            return 8;
        }
    }

    /** Any other kind, or a known kind whose length does not match its layout: the bytes after the length byte. */
    record Unknown(int kind, byte[] data) implements TcpOption {
    }
}
