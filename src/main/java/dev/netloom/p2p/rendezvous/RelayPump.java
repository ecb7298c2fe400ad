package dev.netloom.p2p.rendezvous;

import dev.netloom.core.Connection;
import dev.netloom.p2p.wire.Frame;
import dev.netloom.p2p.wire.FrameWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A relay's two connections joined: RELAY_OK to both, then each one's bytes copied to the other,
 * each way at most {@code rate} bytes per second, an end of stream passed on as a half-close;
 * when both ways have ended (or either fails) both connections close. The bytes are the peers'
 * TLS records: the relay reads nothing in them.
 */
final class RelayPump {

    /** One side: its connection and the writer its HELLO was answered on. */
    record Half(Connection connection, FrameWriter writer) {
    }

    private RelayPump() {
    }

    static void run(Half a, Half b, int rate, AtomicLong counted) throws IOException {
        a.writer().send(new Frame.RelayOk());
        b.writer().send(new Frame.RelayOk());
        a.connection().readTimeout(Duration.ZERO);
        b.connection().readTimeout(Duration.ZERO);
        Thread back = Thread.ofVirtual().name("relay-back").start(() -> copy(b.connection(), a.connection(), rate, counted));
        copy(a.connection(), b.connection(), rate, counted);
        try {
            back.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        a.connection().close();
        b.connection().close();
    }

    private static void copy(Connection from, Connection to, int rate, AtomicLong counted) {
        byte[] buf = new byte[16 * 1024];
        long start = System.nanoTime();
        long moved = 0;
        try {
            InputStream in = from.in();
            OutputStream out = to.out();
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                out.flush();
                moved += n;
                counted.addAndGet(n);
                long due = start + moved * 1_000_000_000L / rate; // when these bytes may have passed at the rate
                long ahead = due - System.nanoTime();
                if (ahead > 1_000_000) {
                    Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
                }
            }
            to.shutdownOutput();
        } catch (IOException | InterruptedException e) {
            from.close();
            to.close();
        }
    }
}
