package dev.netloom.ftp;

import dev.netloom.core.CommandCounts;
import dev.netloom.core.Connection;
import dev.netloom.core.LineReader;
import dev.netloom.core.PasswordHash;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One FTP control connection: the command loop and its state machine (RFC 959, with the
 * extensions listed in {@code package-info}). Login comes first (USER, PASS; everything touching
 * files answers 530 before), then the file system commands in {@link FtpFiles} act inside the
 * user's jail, and transfers run in {@link FtpData} over a {@link DataConnection} on a virtual
 * thread of their own, so that the loop still reads ABOR and STAT while one runs. Any other
 * command waits until the transfer has ended, which keeps replies in order.
 *
 * <p>The control connection times out with 421 after the service's {@code idle-timeout} without a
 * command (not while a transfer runs). Failed logins are answered after {@code login-delay}; after
 * {@code max-login-failures} of them the connection is closed with 421.
 *
 * <p>What the shell shows for the connection is this object: {@code user cwd [transfer]}.
 */
final class FtpSession {

    private static final int MAX_LINE = 4096;
    private static final Set<String> BEFORE_LOGIN = Set.of("USER", "PASS", "QUIT", "SYST", "FEAT", "HELP", "NOOP",
            "OPTS", "AUTH", "PBSZ", "PROT", "ACCT");
    private static final Set<String> WHILE_TRANSFERRING = Set.of("ABOR", "STAT", "NOOP");
    private static final String DUMMY_HASH = PasswordHash.create("not a password".toCharArray());

    private final FtpService service;
    private final Connection c;
    private final FtpReplies replies;
    private final FtpData data;
    private LineReader reader;
    private String pendingUser;
    private FtpUser user;
    private FtpFiles files;
    private int failures;
    private boolean ascii;
    private long restart;
    private boolean tls;

    FtpSession(FtpService service, Connection c) throws IOException {
        this.service = service;
        this.c = c;
        this.reader = new LineReader(c.in(), MAX_LINE);
        this.replies = new FtpReplies(c.out(), service.replyClasses());
        this.data = new FtpData(service, c, replies);
    }

    /** Serves the connection until QUIT, a timeout, too many failed logins, or the client leaves. */
    void run() throws IOException {
        c.idleLimit(Duration.ZERO); // timed out by read timeouts instead, so the client is told 421
        c.readTimeout(service.idleTimeout());
        replies.send(220, "netloom FTP ready");
        c.activity(this);
        boolean clientLeft = false;
        try {
            while (true) {
                LineReader.Line line;
                try {
                    if (!reader.await() || (line = reader.read()) == null) {
                        clientLeft = true;
                        return;
                    }
                } catch (SocketTimeoutException e) {
                    if (data.current() != null) {
                        continue;
                    }
                    replies.send(421, "Timeout.");
                    return;
                }
                c.stats().request(); // every command line, whatever its answer
                if (line.tooLong()) {
                    service.commands().count(CommandCounts.OTHER);
                    replies.send(500, "Command line too long.");
                    continue;
                }
                FtpCommand cmd = FtpCommand.parse(line.bytes());
                service.commands().count(cmd.verb());
                if (!c.busy(cmd.toString())) {
                    return;
                }
                boolean more = handle(cmd);
                boolean open = c.idle();
                c.activity(this);
                if (!more || !open) {
                    return;
                }
            }
        } finally {
            Transfer t = data.current();
            if (clientLeft && t != null && t.upload() && !service.stopping()) {
                // a client that sends its last bytes and hangs up: what it sent is kept, so put -c can
                // resume from SIZE; the wait is bounded by the data timeout
                data.awaitTransfer();
            } else {
                data.abortTransfer();
            }
            data.closeData();
        }
    }

    /** Runs one command; false when the connection should close. */
    private boolean handle(FtpCommand cmd) throws IOException {
        String verb = cmd.verb();
        if (!WHILE_TRANSFERRING.contains(verb)) {
            data.awaitTransfer();
        }
        if (user == null && !BEFORE_LOGIN.contains(verb) && !verb.isEmpty()) {
            replies.send(530, "Please login with USER and PASS.");
            return true;
        }
        String arg = cmd.arg();
        switch (verb) {
            case "USER" -> user(arg);
            case "PASS" -> {
                return pass(arg);
            }
            case "QUIT" -> {
                replies.send(221, "Goodbye.");
                return false;
            }
            case "AUTH" -> {
                return auth(arg);
            }
            case "" -> replies.send(500, "Syntax error, command unrecognized.");
            default -> {
                if (!aboutTheServer(verb, arg) && !transfer(verb, arg) && !files.handle(verb, arg)) {
                    replies.send(502, "Command not implemented.");
                }
            }
        }
        return true;
    }

    /** ACCT, SYST, NOOP, FEAT, OPTS and HELP, which only describe the server; false for another verb. */
    private boolean aboutTheServer(String verb, String arg) throws IOException {
        switch (verb) {
            case "ACCT" -> replies.send(502, "ACCT not implemented.");
            case "SYST" -> replies.send(215, "UNIX Type: L8");
            case "NOOP" -> replies.send(200, "NOOP ok.");
            case "FEAT" -> replies.multi(211, "Features:", List.of(" EPSV", " EPRT", " PASV", " MLST type*;size*;modify*;perm*;",
                    " REST STREAM", " SIZE", " MDTM", " UTF8", " AUTH TLS", " PBSZ", " PROT", " TVFS"), "End");
            case "OPTS" -> {
                if (arg.strip().equalsIgnoreCase("UTF8 ON")) {
                    replies.send(200, "Always in UTF8 mode.");
                } else {
                    replies.send(501, "Option not understood.");
                }
            }
            case "HELP" -> replies.multi(214, "The following commands are recognized.", FtpCommand.helpLines(), "Help OK.");
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * The transfer parameters (PBSZ, PROT, TYPE, MODE, STRU, REST), the data connection (PASV,
     * EPSV, PORT, EPRT) and the transfers (RETR, STOR, APPE, STOU, LIST, NLST, MLSD, STAT, ABOR);
     * false for another verb.
     */
    private boolean transfer(String verb, String arg) throws IOException {
        switch (verb) {
            case "PBSZ" -> replies.send(tls ? 200 : 503, tls ? "PBSZ=0" : "AUTH TLS first.");
            case "PROT" -> data.prot(arg, tls);
            case "TYPE" -> type(arg);
            case "MODE" -> replies.send(arg.equalsIgnoreCase("S") ? 200 : 504, arg.equalsIgnoreCase("S")
                    ? "Mode set to S." : "Only stream mode is supported.");
            case "STRU" -> replies.send(arg.equalsIgnoreCase("F") ? 200 : 504, arg.equalsIgnoreCase("F")
                    ? "Structure set to F." : "Only file structure is supported.");
            case "PASV" -> data.pasv(false, arg);
            case "EPSV" -> data.pasv(true, arg);
            case "PORT" -> data.port(arg, false);
            case "EPRT" -> data.port(arg, true);
            case "REST" -> rest(arg);
            case "RETR" -> retr(arg);
            case "STOR" -> store(arg, "STOR");
            case "APPE" -> store(arg, "APPE");
            case "STOU" -> store(arg, "STOU");
            case "LIST", "NLST", "MLSD" -> list(verb, arg);
            case "STAT" -> stat(arg);
            case "ABOR" -> data.abor();
            default -> {
                return false;
            }
        }
        return true;
    }

    private void user(String name) throws IOException {
        if (user != null) {
            replies.send(503, "Already logged in.");
            return;
        }
        pendingUser = name.equals("ftp") ? FtpConfig.ANONYMOUS : name;
        FtpUser u = service.ftp().users().get(pendingUser);
        replies.send(331, u != null && u.anonymous() ? "Anonymous login ok, send your email as password."
                : "Please specify the password.");
    }

    private boolean pass(String password) throws IOException {
        if (user != null) {
            replies.send(503, "Already logged in.");
            return true;
        }
        if (pendingUser == null) {
            replies.send(503, "Login with USER first.");
            return true;
        }
        FtpUser u = service.ftp().users().get(pendingUser);
        pendingUser = null;
        // an unknown name costs the same hash as a known one, so timing does not tell names apart
        boolean ok;
        if (u == null) {
            PasswordHash.verify(password.toCharArray(), DUMMY_HASH);
            ok = false;
        } else {
            ok = u.anonymous() || PasswordHash.verify(password.toCharArray(), u.passwordHash());
        }
        if (ok) {
            Path home = service.home(u);
            if (home != null) {
                user = u;
                files = new FtpFiles(new FtpPaths(home), u.write(), replies);
                replies.send(230, "Login successful.");
                return true;
            }
        }
        failures++;
        sleep(service.ftp().loginDelay());
        if (failures >= service.ftp().maxLoginFailures()) {
            replies.send(421, "Too many failed logins.");
            return false;
        }
        replies.send(530, "Login incorrect.");
        return true;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean auth(String arg) throws IOException {
        if (!arg.equalsIgnoreCase("TLS") && !arg.equalsIgnoreCase("SSL")) {
            replies.send(504, "AUTH TLS only.");
            return true;
        }
        if (tls) {
            replies.send(503, "Already using TLS.");
            return true;
        }
        replies.send(234, "Proceed with negotiation.");
        c.startTls(service.tls());
        tls = true;
        reader = new LineReader(c.in(), MAX_LINE);
        replies.to(c.out());
        return true;
    }

    private void type(String arg) throws IOException {
        String t = arg.strip().toUpperCase(Locale.ROOT);
        if (t.equals("A") || t.equals("A N")) {
            ascii = true;
            replies.send(200, "Switching to ASCII mode.");
        } else if (t.equals("I") || t.equals("L 8")) {
            ascii = false;
            replies.send(200, "Switching to Binary mode.");
        } else {
            replies.send(504, "Type not supported.");
        }
    }

    private void rest(String arg) throws IOException {
        try {
            long offset = Long.parseLong(arg.strip());
            if (offset < 0) {
                throw new NumberFormatException();
            }
            restart = offset;
            replies.send(350, "Restart position accepted (" + offset + ").");
        } catch (NumberFormatException e) {
            replies.send(501, "REST requires a value greater than or equal to 0.");
        }
    }

    /** The REST offset for the transfer command now running, which uses it up whatever its outcome (as vsftpd). */
    private long takeRestart() {
        long offset = restart;
        restart = 0;
        return offset;
    }

    private void retr(String arg) throws IOException {
        long offset = takeRestart();
        Path p = files.file(arg);
        if (p == null || !Files.isRegularFile(p)) {
            replies.send(550, "Failed to open file.");
            return;
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(p, StandardOpenOption.READ);
        } catch (IOException e) {
            replies.send(550, "Failed to open file.");
            return;
        }
        String name = p.getFileName().toString();
        data.transfer("RETR", name, ch, "Opening " + mode() + " mode data connection for " + name + " (" + ch.size()
                + " bytes).", (t, s) -> t.send(ch, offset, s, s.getOutputStream(), ascii));
    }

    private void store(String arg, String verb) throws IOException {
        long offset = takeRestart();
        if (!verb.equals("STOR")) {
            offset = 0; // APPE writes at the end and STOU makes a new file: the offset is used up, not applied
        }
        if (!files.writable()) {
            replies.send(550, "Permission denied.");
            return;
        }
        Path p = verb.equals("STOU") ? files.unique(arg) : files.file(arg);
        if (p == null || Files.isDirectory(p) || !Files.isDirectory(p.getParent())) {
            replies.send(553, "Could not create file.");
            return;
        }
        FileChannel ch;
        try {
            if (verb.equals("APPE")) {
                ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            } else if (offset > 0) {
                ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                ch.truncate(offset).position(offset);
            } else {
                ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            }
        } catch (IOException e) {
            replies.send(553, "Could not create file.");
            return;
        }
        String name = p.getFileName().toString();
        String opening = verb.equals("STOU") ? "FILE: " + name : "Ok to send data.";
        data.transfer(verb, name, ch, opening, (t, s) -> t.receive(s, ch, ascii));
    }

    private void list(String verb, String arg) throws IOException {
        String target = arg.strip();
        if (!verb.equals("MLSD")) {
            while (target.startsWith("-")) { // ls options such as -la, which clients send: ignored
                int space = target.indexOf(' ');
                target = space < 0 ? "" : target.substring(space + 1).strip();
            }
        }
        Path p = files.file(target);
        if (p == null || !Files.exists(p) || verb.equals("MLSD") && !Files.isDirectory(p)) {
            replies.send(550, "No such file or directory.");
            return;
        }
        List<String> lines = Listing.lines(verb, p, files.writable());
        data.transfer(verb, target.isEmpty() ? "." : target, null, "Here comes the directory listing.", (t, s) -> {
            OutputStream out = s.getOutputStream();
            for (String l : lines) {
                byte[] b = l.getBytes(StandardCharsets.UTF_8);
                out.write(b);
                t.moved(b.length);
            }
            out.flush();
        });
    }

    private String mode() {
        return ascii ? "ASCII" : "BINARY";
    }

    private void stat(String arg) throws IOException {
        if (!arg.isBlank() && user != null) {
            data.awaitTransfer();
            Path p = files.file(arg.strip());
            if (p == null || !Files.exists(p)) {
                replies.send(550, "No such file or directory.");
                return;
            }
            List<String> lines = new ArrayList<>();
            for (String l : Listing.lines("LIST", p, files.writable())) {
                lines.add(" " + l.stripTrailing());
            }
            replies.multi(213, "Status follows:", lines, "End of status.");
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(" Connected to " + c.remote().getAddress().getHostAddress());
        lines.add(" Logged in as " + (user == null ? "nobody" : user.name()));
        lines.add(" TYPE: " + mode() + (tls ? ", TLS" : ""));
        Transfer t = data.current();
        lines.add(t == null ? " No data connection" : " " + t);
        replies.multi(211, "FTP server status:", lines, "End of status.");
    }

    @Override
    public String toString() {
        Transfer t = data.current();
        return (user == null ? "-" : user.name()) + " " + (files == null ? "/" : files.cwd()) + (t == null ? "" : " " + t);
    }
}
