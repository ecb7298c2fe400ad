package dev.netloom.ftp;

import dev.netloom.core.Connection;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;

/**
 * The data side of one FTP session: the commands that set up a {@link DataConnection} (PASV,
 * EPSV including {@code EPSV ALL}, PORT, EPRT) and PROT, the connection they leave pending, and
 * the running {@link Transfer}, which copies on a virtual thread of its own so that the control
 * loop still reads ABOR and STAT meanwhile.
 *
 * <p>Every method but {@link #current()} (also read by the shell) is called from the session's
 * control thread; the transfer's thread only answers its final reply (through the same
 * {@link FtpReplies}, whose lock keeps the two apart) and clears {@link #current()} when it ends.
 */
final class FtpData {

    private static final System.Logger LOG = System.getLogger(FtpData.class.getName());

    private final FtpService service;
    private final Connection c;
    private final FtpReplies replies;
    private boolean epsvAll;
    private boolean protectData;
    private DataConnection data;
    private volatile Transfer transfer;
    private volatile DataConnection running;
    private volatile boolean aborted;
    private Thread transferThread;

    FtpData(FtpService service, Connection c, FtpReplies replies) {
        this.service = service;
        this.c = c;
        this.replies = replies;
    }

    /** The transfer in progress, or null: what STAT and the shell show. */
    Transfer current() {
        return transfer;
    }

    /** PROT P or C (RFC 4217 section 9), once {@code tls} says AUTH TLS has been done. */
    void prot(String arg, boolean tls) throws IOException {
        if (!tls) {
            replies.send(503, "AUTH TLS first.");
        } else if (arg.equalsIgnoreCase("P") || arg.equalsIgnoreCase("C")) {
            protectData = arg.equalsIgnoreCase("P");
            replies.send(200, "PROT now " + (protectData ? "Private." : "Clear."));
        } else {
            replies.send(536, "PROT " + arg + " not supported.");
        }
    }

    /** PASV, or EPSV when {@code extended}: listens for the client of the control connection. */
    void pasv(boolean extended, String arg) throws IOException {
        if (extended && arg.equalsIgnoreCase("ALL")) {
            epsvAll = true;
            replies.send(200, "EPSV ALL ok.");
            return;
        }
        if (!extended && epsvAll) {
            replies.send(503, "Only EPSV after EPSV ALL.");
            return;
        }
        InetAddress local = c.local().getAddress();
        if (!extended && !(local instanceof Inet4Address)) {
            replies.send(425, "PASV needs IPv4; use EPSV.");
            return;
        }
        closeData();
        FtpConfig ftp = service.ftp();
        try {
            data = DataConnection.passive(local, c.remote().getAddress(), ftp.passiveFrom(), ftp.passiveTo(),
                    dataTimeoutMillis());
        } catch (IOException e) {
            replies.send(425, "Cannot open passive connection.");
            return;
        }
        int port = data.port();
        if (extended) {
            replies.send(229, "Entering Extended Passive Mode (|||" + port + "|)");
        } else {
            replies.send(227, "Entering Passive Mode (" + local.getHostAddress().replace('.', ',') + ","
                    + (port >> 8) + "," + (port & 0xff) + ").");
        }
    }

    /** PORT, or EPRT when {@code extended}: only to a port from 1024 up at the control connection's client address. */
    void port(String arg, boolean extended) throws IOException {
        if (epsvAll) {
            replies.send(503, "Only EPSV after EPSV ALL.");
            return;
        }
        InetSocketAddress target = extended ? DataConnection.parseEprt(arg) : DataConnection.parsePort(arg);
        if (target == null) {
            replies.send(501, "Syntax error in parameters.");
        } else if (!target.getAddress().equals(c.remote().getAddress()) || target.getPort() < 1024) {
            replies.send(500, "Illegal " + (extended ? "EPRT" : "PORT") + " command.");
        } else {
            closeData();
            data = DataConnection.active(target, dataTimeoutMillis());
            replies.send(200, (extended ? "EPRT" : "PORT") + " command successful. Consider using PASV.");
        }
    }

    private int dataTimeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, service.ftp().dataTimeout().toMillis());
    }

    /** The copy a transfer does once its data connection is open. */
    interface Copy {
        void run(Transfer t, Socket s) throws IOException;
    }

    /**
     * Answers 150, then on a virtual thread opens the data connection, copies, and answers 226
     * (425 when it cannot connect, 426 when the copy fails, naming why, or is aborted, 451 when an
     * upload cannot be forced to disk; the exception is logged at DEBUG); {@code file} is closed after.
     * An upload's TLS data connection sends no session tickets ({@link FtpService#tlsUpload}).
     */
    void transfer(String verb, String name, FileChannel file, String opening, Copy copy) throws IOException {
        DataConnection d = data;
        data = null;
        if (d == null) {
            if (file != null) {
                file.close();
            }
            replies.send(425, "Use PORT or PASV first.");
            return;
        }
        // the data connection's bytes are the session's, counted as they move: uploads in, downloads and listings out
        Transfer t = new Transfer(verb, name, Transfer.upload(verb) ? c::countReceived : c::countSent);
        aborted = false;
        transfer = t;
        running = d;
        replies.send(150, opening);
        transferThread = Thread.ofVirtual().name(Thread.currentThread().getName() + "-data").start(() -> {
            boolean upload = t.upload();
            try (d; file) {
                Socket s;
                try {
                    s = d.open();
                    if (protectData) {
                        SSLSocket ssl = upload ? service.tlsUpload(s) : service.tlsServer(s);
                        ssl.startHandshake();
                        s = ssl;
                    }
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "ftp: " + verb + " " + name + ": no data connection", e);
                    reply(425, "Cannot open data connection.");
                    return;
                }
                try (Socket closing = s) {
                    copy.run(t, closing);
                    if (closing instanceof SSLSocket) {
                        closing.shutdownOutput();
                    }
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "ftp: " + verb + " " + name + " failed after " + t.bytes() + " bytes", e);
                    reply(426, aborted ? "Connection closed; transfer aborted."
                            : "Connection closed; transfer failed: " + reason(e) + ".");
                    return;
                }
                if (upload) {
                    file.force(false); // 226 tells the client the file is stored: it must survive a crash
                }
                reply(226, "Transfer complete.");
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "ftp: " + verb + " " + name + ": local error", e);
                reply(451, "Local error in processing.");
            } finally {
                transfer = null;
            }
        });
    }

    /** What failed a copy, briefly, for a 426 reply: the exception's message, or its type when it has none. */
    private static String reason(IOException e) {
        String m = e.getMessage();
        String r = m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
        return r.replaceAll("[\\r\\n]+", " ").strip();
    }

    private void reply(int code, String text) {
        try {
            replies.send(code, text);
        } catch (IOException ignored) {
            // the control connection is gone: its own thread ends the session
        }
    }

    /** Waits until the transfer's thread, if any, has answered and ended. */
    void awaitTransfer() {
        Thread t = transferThread;
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            transferThread = null;
        }
    }

    /** ABOR: aborts a running transfer (its own reply first, then 226), else closes a pending data connection (225). */
    void abor() throws IOException {
        Thread t = transferThread;
        if (t != null && t.isAlive()) {
            abortTransfer();
            replies.send(226, "ABOR successful.");
        } else {
            awaitTransfer();
            closeData();
            replies.send(225, "No transfer to ABOR.");
        }
    }

    /** Closes the running transfer's data connection and waits for its thread to answer 426. */
    void abortTransfer() {
        Thread t = transferThread;
        if (t != null) {
            aborted = true;
            DataConnection d = running;
            if (d != null) {
                d.close();
            }
            awaitTransfer();
        }
    }

    /** Closes the pending data connection, one set up by PASV/PORT that no transfer has used. */
    void closeData() {
        if (data != null) {
            data.close();
            data = null;
        }
    }
}
