package dev.netloom.smtp;

import dev.netloom.core.CommandCounts;
import dev.netloom.core.Connection;
import dev.netloom.core.LineReader;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One SMTP session (RFC 5321) on its connection's virtual thread: greeting, then commands until
 * QUIT, a timeout, too many errors, or the client leaving. Every reply carries an RFC 3463
 * enhanced status code. A message is answered 250 only once {@link MailStore} has it on disk.
 *
 * <p>Pipelining (RFC 2920): commands are read one by one and their replies queued; the queue is
 * sent when no further command is waiting, so a batch of MAIL, RCPT, ..., DATA gets its replies
 * together. After STARTTLS anything the client sent before the handshake is thrown away (it
 * could be an injected command) and the session starts again, as RFC 3207 says.
 */
final class SmtpSession {

    /**
     * Longest command or text line: 1000 octets with CRLF (RFC 5321 4.5.3.1.4-6); the reader
     * takes one more, since a text line's transparency dot does not count.
     */
    static final int MAX_LINE = 998;
    private static final int MAX_ERRORS = 20;
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private final SmtpService service;
    private final SmtpConfig config;
    private final Connection c;
    private final SmtpReplies replies;
    private final SmtpAuth auth;
    private LineReader reader;
    private boolean tls;
    private String helo;
    private boolean esmtp;
    private String user;
    private int errors;
    private int authFailures;
    // the transaction: null sender means none has begun
    private String sender;
    private boolean utf8;
    private final List<String> recipients = new ArrayList<>();
    private volatile String doing = "greeting";
    private volatile long dataOctets;

    SmtpSession(SmtpService service, Connection c) throws IOException {
        this.service = service;
        this.config = service.smtp();
        this.c = c;
        this.reader = new LineReader(c.in(), MAX_LINE + 1);
        this.replies = new SmtpReplies(c.out(), config.trace() ? Thread.currentThread().getName() + " " : null,
                service.replyClasses());
        this.auth = new SmtpAuth(config, replies);
    }

    /** Serves the connection until QUIT, a timeout, too many errors, or the client leaves. */
    void run() throws IOException {
        c.idleLimit(Duration.ZERO); // timed out by read timeouts instead, so the client is told 421
        c.readTimeout(service.idleTimeout());
        c.farewell(() -> replies.send("421 4.3.2 " + config.hostname() + " Service shutting down"));
        c.activity(this);
        replies.send("220 " + config.hostname() + " ESMTP netloom");
        while (true) {
            LineReader.Line line;
            try {
                replies.flush();
                if (!reader.await() || (line = reader.read()) == null) {
                    return;
                }
            } catch (SocketTimeoutException e) {
                replies.send("421 4.4.2 " + config.hostname() + " Error: timeout exceeded");
                return;
            }
            if (!c.busy(this)) {
                return;
            }
            boolean more;
            if (line.tooLong() || line.bytes().length > MAX_LINE) {
                service.commands().count(CommandCounts.OTHER);
                replies.trace("C: ", "<line over 1000 octets>");
                more = error("500 5.5.2 Line too long");
            } else {
                SmtpCommand cmd = SmtpCommand.parse(line.bytes());
                service.commands().count(cmd.verb());
                replies.trace("C: ", cmd.verb().equals("AUTH") ? "AUTH " + cmd.arg().split(" ")[0] + " ****"
                        : line.text());
                more = handle(cmd);
            }
            boolean open = c.idle();
            c.activity(this);
            if (!more) {
                replies.flush();
                return;
            }
            if (!open) {
                replies.send("421 4.3.2 " + config.hostname() + " Service shutting down");
                return;
            }
        }
    }

    /** Runs one command; false when the connection should close. */
    private boolean handle(SmtpCommand cmd) throws IOException {
        doing = cmd.verb();
        String arg = cmd.arg();
        switch (cmd.verb()) {
            case "EHLO", "HELO" -> {
                return hello(cmd.verb(), arg.strip());
            }
            case "MAIL" -> {
                return mail(arg);
            }
            case "RCPT" -> {
                return rcpt(arg);
            }
            case "DATA" -> {
                return data(arg);
            }
            case "RSET" -> {
                reset();
                replies.add("250 2.0.0 Ok");
            }
            case "NOOP" -> replies.add("250 2.0.0 Ok");
            case "VRFY" -> replies.add(arg.isBlank() ? "501 5.5.4 Syntax: VRFY address"
                    : "252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery");
            case "EXPN" -> replies.add("502 5.5.1 EXPN not supported");
            case "HELP" -> replies.add("214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP VRFY HELP QUIT"
                    + " STARTTLS AUTH");
            case "QUIT" -> {
                replies.add("221 2.0.0 " + config.hostname() + " Bye");
                return false;
            }
            case "STARTTLS" -> {
                return startTls(arg);
            }
            case "AUTH" -> {
                return authenticate(arg);
            }
            case "" -> {
                return error("500 5.5.2 Error: bad syntax");
            }
            default -> {
                return error("500 5.5.2 Error: command not recognized");
            }
        }
        return true;
    }

    /** Replies with an error; false (close) once the client has made too many. */
    private boolean error(String reply) {
        replies.add(reply);
        return countError();
    }

    private boolean countError() {
        if (++errors >= MAX_ERRORS) {
            replies.add("421 4.7.0 " + config.hostname() + " Error: too many errors");
            return false;
        }
        return true;
    }

    private boolean hello(String verb, String domain) throws IOException {
        if (domain.isEmpty()) {
            return error("501 5.5.4 Syntax: " + verb + " hostname");
        }
        if (!domain.chars().allMatch(ch -> ch > ' ' && ch != 0x7f)) {
            // the name goes into the Received header: no controls or spaces that could forge a line
            return error("501 5.5.4 Invalid " + verb + " hostname");
        }
        reset();
        helo = domain;
        esmtp = verb.equals("EHLO");
        String greeting = config.hostname() + " Hello " + domain + " [" + c.remote().getAddress().getHostAddress() + "]";
        if (!esmtp) {
            replies.add("250 " + greeting);
            return true;
        }
        List<String> lines = new ArrayList<>(List.of(greeting, "PIPELINING", "SIZE " + config.maxSize(), "8BITMIME",
                "SMTPUTF8", "ENHANCEDSTATUSCODES"));
        if (!tls) {
            lines.add("STARTTLS");
        }
        if (auth.offered(tls) && user == null) {
            lines.add("AUTH PLAIN LOGIN");
        }
        lines.add("HELP");
        replies.addMulti(250, lines);
        return true;
    }

    private boolean mail(String arg) throws IOException {
        if (helo == null) {
            return error("503 5.5.1 Error: send HELO/EHLO first");
        }
        if (sender != null) {
            return error("503 5.5.1 Error: nested MAIL command");
        }
        if (config.authRequired() && user == null) {
            return error("530 5.7.0 Authentication required");
        }
        SmtpCommand.Path path;
        try {
            path = SmtpCommand.Path.parse(arg, "FROM:");
        } catch (SmtpCommand.SyntaxException e) {
            return error(e.reply);
        }
        boolean smtputf8 = false;
        for (var p : path.params().entrySet()) {
            switch (p.getKey()) {
                case "SIZE" -> {
                    // RFC 1870: size-value ::= 1*20DIGIT (Long.parseLong would take "-1" and "+5")
                    String v = p.getValue();
                    if (v.isEmpty() || v.length() > 20 || !v.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                        return error("501 5.5.4 Bad SIZE parameter (digits only)");
                    }
                    String digits = v.replaceFirst("^0+(?=.)", ""); // 20 digits may be a small number
                    if (digits.length() > 18 || Long.parseLong(digits) > config.maxSize()) {
                        return error("552 5.3.4 Message size exceeds fixed maximum message size");
                    }
                }
                case "BODY" -> {
                    String body = p.getValue().toUpperCase(Locale.ROOT);
                    if (!body.equals("7BIT") && !body.equals("8BITMIME")) {
                        return error("501 5.5.4 Bad BODY parameter");
                    }
                }
                case "SMTPUTF8" -> smtputf8 = true;
                case "AUTH" -> {
                    // RFC 4954 5: the original submitter; nothing to do when not relaying
                }
                default -> {
                    return error("555 5.5.4 Unsupported option: " + p.getKey());
                }
            }
        }
        if (!smtputf8 && !ascii(path.address())) {
            return error("553 5.6.7 SMTPUTF8 is required for a non-ASCII address");
        }
        sender = path.address();
        utf8 = smtputf8;
        replies.add("250 2.1.0 Ok");
        return true;
    }

    private boolean rcpt(String arg) throws IOException {
        if (sender == null) {
            return error("503 5.5.1 Error: need MAIL command");
        }
        SmtpCommand.Path path;
        try {
            path = SmtpCommand.Path.parse(arg, "TO:");
        } catch (SmtpCommand.SyntaxException e) {
            return error(e.reply);
        }
        if (path.address().isEmpty()) {
            return error("501 5.1.3 Bad recipient address syntax");
        }
        if (!path.params().isEmpty()) {
            return error("555 5.5.4 Unsupported option: " + path.params().keySet().iterator().next());
        }
        if (!utf8 && !ascii(path.address())) {
            return error("553 5.6.7 SMTPUTF8 is required for a non-ASCII address");
        }
        if (recipients.size() >= config.maxRecipients()) {
            replies.add("452 4.5.3 Error: too many recipients");
            return true;
        }
        String domain = path.domain();
        if (!domain.isEmpty() && !config.accepts(domain)) {
            return error("550 5.7.1 <" + path.address() + ">: Relay access denied");
        }
        recipients.add(path.address());
        replies.add("250 2.1.5 Ok");
        return true;
    }

    private boolean data(String arg) throws IOException {
        if (!arg.isEmpty()) {
            return error("501 5.5.4 Syntax: DATA");
        }
        if (sender == null) {
            return error("503 5.5.1 Error: need MAIL command");
        }
        if (recipients.isEmpty()) {
            return error("554 5.5.1 Error: no valid recipients");
        }
        replies.send("354 End data with <CR><LF>.<CR><LF>");
        doing = "DATA";
        String received = received();
        SmtpData.Result body = SmtpData.read(reader, received, MAX_LINE, config.maxSize(), this::progress);
        replies.trace("C: ", "<message, " + body.octets() + " octets>");
        if (body.cut()) {
            return false; // the client left in the middle: nothing is stored or answered
        }
        if (body.tooLong()) {
            reset();
            return error("500 5.5.2 Line too long (over 1000 octets)");
        }
        if (body.tooBig()) {
            reset();
            return error("552 5.3.4 Message size exceeds fixed maximum message size");
        }
        doing = "storing";
        long id;
        try {
            id = service.store(new MailStore.Incoming(sender, List.copyOf(recipients), body.message()));
        } catch (IOException e) {
            reset();
            replies.add("451 4.3.0 Error: cannot store the message now");
            return true;
        }
        c.stats().request();
        reset();
        replies.add("250 2.0.0 Ok: queued as " + id);
        return true;
    }

    private void progress(long octets) {
        dataOctets = octets;
    }

    /** Our trace header (RFC 5321 4.4), placed before the message; "with" as RFC 3848 names it. */
    private String received() {
        String with = (esmtp ? "ESMTP" : "SMTP") + (tls ? "S" : "") + (user != null ? "A" : "");
        if (utf8) {
            with = "UTF8" + with.replace("ESMTP", "SMTP"); // RFC 6531: UTF8SMTP, UTF8SMTPS, ...
        }
        String ip = c.remote().getAddress().getHostAddress();
        String rcpt = recipients.size() == 1 ? "\r\n\tfor <" + recipients.get(0) + ">" : "";
        return "Received: from " + helo + " ([" + ip + "])\r\n\tby " + config.hostname() + " (netloom) with " + with
                + rcpt + "; " + DATE.format(ZonedDateTime.now()) + "\r\n";
    }

    private boolean startTls(String arg) throws IOException {
        if (!arg.isEmpty()) {
            return error("501 5.5.4 Syntax: STARTTLS");
        }
        if (tls) {
            return error("503 5.5.1 Error: TLS already active");
        }
        replies.send("220 2.0.0 Ready to start TLS");
        c.startTls(service.tls());
        // RFC 3207 4.2 and CVE-2011-0411: nothing sent before the handshake counts after it
        tls = true;
        reader = new LineReader(c.in(), MAX_LINE + 1);
        replies.to(c.out());
        helo = null;
        esmtp = false;
        user = null;
        reset();
        return true;
    }

    private boolean authenticate(String arg) throws IOException {
        if (helo == null || !esmtp) {
            return error("503 5.5.1 Error: send EHLO first");
        }
        if (user != null) {
            return error("503 5.5.1 Error: already authenticated");
        }
        if (sender != null) {
            return error("503 5.5.1 Error: AUTH not allowed during a mail transaction");
        }
        SmtpAuth.Outcome outcome = auth.run(arg, tls, reader);
        if (outcome.user() != null) {
            user = outcome.user();
            return true;
        }
        if (outcome.cut()) {
            return false;
        }
        if (outcome.denied() && ++authFailures >= config.maxAuthFailures()) {
            replies.add("421 4.7.0 " + config.hostname() + " Error: too many failed authentications");
            return false;
        }
        return !outcome.failed() || countError();
    }

    private void reset() {
        sender = null;
        utf8 = false;
        recipients.clear();
    }

    private static boolean ascii(String s) {
        return s.chars().allMatch(ch -> ch < 128);
    }

    /** What {@code conns smtp} shows: who, and how far the session is. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(helo == null ? "-" : helo);
        if (tls) {
            b.append(" tls");
        }
        if (user != null) {
            b.append(" user ").append(user);
        }
        if (sender != null) {
            b.append(" from <").append(sender).append("> ").append(recipients.size()).append(" rcpt");
        }
        b.append(' ').append(doing);
        if (doing.equals("DATA")) {
            b.append(' ').append(dataOctets).append(" octets");
        }
        return b.toString();
    }
}
