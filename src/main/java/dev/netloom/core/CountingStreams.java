package dev.netloom.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** A connection's socket streams, counting every byte into it (and so into its service). */
final class CountingStreams {

    private CountingStreams() {
    }

    static final class In extends InputStream {
        private final Connection c;
        private final InputStream delegate;

        In(Connection c, InputStream delegate) {
            this.c = c;
            this.delegate = delegate;
        }

        @Override
        public int read() throws IOException {
            // read(byte[]) directly: one stack frame less than the socket stream's read() while parked
            byte[] one = new byte[1];
            int n = delegate.read(one, 0, 1);
            c.countReceived(n);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = delegate.read(b, off, len);
            c.countReceived(n);
            return n;
        }

        @Override
        public int available() throws IOException {
            return delegate.available();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }

    static final class Out extends OutputStream {
        private final Connection c;
        private final OutputStream delegate;

        Out(Connection c, OutputStream delegate) {
            this.c = c;
            this.delegate = delegate;
        }

        @Override
        public void write(int b) throws IOException {
            delegate.write(b);
            c.countSent(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            delegate.write(b, off, len);
            c.countSent(len);
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
