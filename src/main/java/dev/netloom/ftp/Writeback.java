package dev.netloom.ftp;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Pushes an upload towards the disk while it is still arriving. The 226 of a STOR promises the
 * bytes are durable, so the transfer forces the file before it ({@code FileChannel.force}); done
 * only then, that force has the whole file to write and the client waits for all of it. Here,
 * after every {@link #EVERY} bytes the receiving loop has written, a virtual thread of this
 * object forces the file meanwhile, so the kernel writes back as the data comes in and the last
 * force finds little left.
 *
 * <p>Forces are coalesced: while one runs, any number of requests make one more after it. A
 * failed background force is ignored: the final force, whose failure is answered 451, tells.
 * {@link #close()} stops the thread and waits for a force in progress, so the channel is not
 * closed under it.
 */
final class Writeback implements AutoCloseable {

    /** Bytes written between two background forces. */
    static final long EVERY = 32L << 20;

    private static final Object FORCE = new Object();
    private static final Object STOP = new Object();

    private final FileChannel file;
    private final BlockingQueue<Object> requests = new ArrayBlockingQueue<>(1);
    private long unforced;
    private Thread thread;

    Writeback(FileChannel file) {
        this.file = file;
    }

    /** Called by the receiving loop after writing {@code n} bytes. */
    void written(long n) {
        unforced += n;
        if (unforced < EVERY) {
            return;
        }
        unforced = 0;
        if (thread == null) {
            thread = Thread.ofVirtual().name(Thread.currentThread().getName() + "-writeback").start(this::run);
        }
        requests.offer(FORCE); // a request already waiting covers this one too
    }

    private void run() {
        try {
            while (requests.take() != STOP) {
                file.force(false);
            }
        } catch (IOException | InterruptedException e) {
            // the final force reports a disk that fails; an interrupt ends the thread
        }
    }

    /** Stops the background forces, after the one in progress. */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        requests.clear();
        requests.offer(STOP); // the receiving thread is the only producer: the queue has room
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
