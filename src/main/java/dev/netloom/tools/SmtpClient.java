package dev.netloom.tools;

import javax.net.ssl.SSLContext;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A blocking SMTP client that sends one message per call (RFC 5321), with STARTTLS (RFC 3207) or
 * TLS from the first byte, AUTH PLAIN and LOGIN (RFC 4954), and the MAIL parameters SIZE (RFC
 * 1870), BODY=8BITMIME (RFC 6152) and SMTPUTF8 (RFC 6531) when the server offers them. With
 * PIPELINING (RFC 2920) offered, MAIL and the RCPTs go out together (up to 100 commands a
 * batch); DATA always waits for their replies, so a send where every recipient is refused
 * never starts a message.
 *
 * <p>Defaults (see {@link Options}): no TLS, no AUTH, EHLO name {@code localhost}, 30 s for the
 * connect and for each reply, the JDK's trust store. Errors are {@link SmtpException}s naming
 * the {@link Step} that failed. Not in here: DSN (RFC 3461), CHUNKING/BDAT, SASL mechanisms other
 * than PLAIN and LOGIN, MX lookup (the host given is the server), retrying 4xx replies, and
 * checking the 998-character line limit (the server decides).
 */
public final class SmtpClient {

    /** The default for {@link Options#timeout()}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final int PIPELINE_BATCH = 100;

    private SmtpClient() {
    }

    /** How the connection is protected: not at all, STARTTLS after EHLO, or TLS from the first byte (port 465). */
    public enum Security { NONE, STARTTLS, TLS }

    /**
     * Where and how to send. {@code security} null means NONE; {@code user} and {@code password}
     * may be null (no AUTH), but a user needs a password; {@code heloName} null means
     * {@code localhost}; {@code timeout} (for the connect and each reply) null means 30 s;
     * {@code tls} null means {@link SSLContext#getDefault()}, and only then is the certificate's
     * host name checked.
     *
     * @throws IllegalArgumentException for a blank host, a port outside 1-65535, a user without a
     *                                  password, a name with a line break or a timeout not above zero
     */
    public record Options(String host, int port, Security security, String user, char[] password, String heloName,
                          Duration timeout, SSLContext tls) {
        public Options {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host is required");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1-65535: " + port);
            }
            security = security == null ? Security.NONE : security;
            heloName = heloName == null ? "localhost" : heloName;
            timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be above zero: " + timeout);
            }
            if (user != null && password == null) {
                throw new IllegalArgumentException("a user needs a password");
            }
            if (heloName.isBlank() || (heloName + (user == null ? "" : user)).chars().anyMatch(c -> c == '\r' || c == '\n')) {
                throw new IllegalArgumentException("heloName and user must be one line of text");
            }
        }

        /** Shows the password as ****. */
        @Override
        public String toString() {
            return "Options[" + host + ":" + port + ", " + security + ", user=" + user
                    + (password == null ? "" : ", password=****") + ", heloName=" + heloName + ", timeout=" + timeout + "]";
        }
    }

    /** One reply: code and its lines' texts (without the "250-"/"250 " prefixes). */
    public record Reply(int code, List<String> lines) {
        public Reply {
            lines = List.copyOf(lines);
        }

        /** The lines joined with "\n". */
        public String text() {
            return String.join("\n", lines);
        }

        /** As one line: {@code 550 5.7.1 relay denied}, the lines of a multi-line reply joined with spaces. */
        @Override
        public String toString() {
            return (code + " " + String.join(" ", lines)).strip();
        }
    }

    /** The dialog's steps, for error messages: the step that failed and the reply. */
    public enum Step { CONNECT, GREETING, EHLO, HELO, STARTTLS, AUTH, MAIL, RCPT, DATA, MESSAGE, QUIT }

    /**
     * The server refused a step (4xx/5xx), lacked an extension that was asked for, or broke the
     * dialog. The message names what failed: {@code RCPT TO:<x@y> refused: 550 5.7.1 relay denied},
     * or for I/O {@code DATA: connection closed by the server}. {@link #reply()} is null when
     * there was no reply (I/O failure, malformed reply, extension not offered).
     */
    public static final class SmtpException extends IOException {
        private final Step step;
        private final transient Reply reply;
        private final transient List<String> transcript;

        SmtpException(Step step, Reply reply, String message, Throwable cause, List<String> transcript) {
            super(message, cause);
            this.step = step;
            this.reply = reply;
            this.transcript = Collections.unmodifiableList(transcript);
        }

        /** A refusal: {@code what refused: reply}. */
        static SmtpException refused(Step step, String what, Reply reply, List<String> transcript) {
            return new SmtpException(step, reply, what + " refused: " + reply, null, transcript);
        }

        /** A broken connection: {@code STEP: what happened}. */
        static SmtpException broken(Step step, IOException e, List<String> transcript) {
            return e instanceof SmtpException s ? s : new SmtpException(step, null, step + ": " + describe(e), e, transcript);
        }

        static String describe(IOException e) {
            if (e instanceof EOFException) {
                return "connection closed by the server";
            }
            if (e instanceof SocketTimeoutException) {
                return "timed out waiting for the server";
            }
            return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }

        public Step step() {
            return step;
        }

        public Reply reply() {
            return reply;
        }

        /** The dialog up to the failure (and the QUIT after it), as in {@link Result#transcript()}. */
        public List<String> transcript() {
            return transcript;
        }
    }

    /**
     * The outcome of a send: the final reply after the message, the recipients the server took
     * and those it refused (with its reply, in the order given), and the transcript: every line
     * sent ({@code "C: "}) and received ({@code "S: "}), message lines as sent (dot-stuffed),
     * credentials as {@code ****}.
     */
    public record Result(Reply accepted, List<String> acceptedRecipients, Map<String, Reply> refusedRecipients,
                         List<String> transcript) {
        public Result {
            acceptedRecipients = List.copyOf(acceptedRecipients);
            refusedRecipients = Collections.unmodifiableMap(new LinkedHashMap<>(refusedRecipients));
            transcript = List.copyOf(transcript);
        }
    }

    /**
     * Sends {@code message} (the whole RFC 5322 text, headers included) from {@code from} (empty
     * for the null reverse-path {@code <>}) to {@code recipients}: greeting, EHLO (HELO when EHLO
     * gets 500/502), STARTTLS and EHLO again when asked, AUTH when a user is given (PLAIN if
     * offered, else LOGIN), MAIL, RCPT for each, DATA, the message, QUIT. Recipients the server
     * refuses are reported in the result while the rest still get the message.
     *
     * @throws SmtpException            for a refused step, every recipient refused (step RCPT, no
     *                                  DATA sent), STARTTLS asked but not offered, or a broken dialog
     * @throws IllegalArgumentException for no recipients, or an address that is blank (the sender
     *                                  may be empty) or holds a line break, '<' or '>'
     */
    public static Result send(Options o, String from, List<String> recipients, byte[] message) throws IOException {
        Objects.requireNonNull(o, "options");
        Objects.requireNonNull(message, "message");
        check(from, true);
        if (recipients == null || recipients.isEmpty()) {
            throw new IllegalArgumentException("at least one recipient is required");
        }
        recipients.forEach(r -> check(r, false));
        SmtpDialog d = SmtpDialog.open(o);
        try {
            Result done = deliver(d, o, from, recipients, message);
            d.quit();
            return new Result(done.accepted(), done.acceptedRecipients(), done.refusedRecipients(), d.transcript());
        } catch (SmtpException e) {
            d.quit();
            throw e;
        } finally {
            d.close();
        }
    }

    private static Result deliver(SmtpDialog d, Options o, String from, List<String> recipients, byte[] message)
            throws SmtpException {
        Reply greeting = d.read(Step.GREETING);
        if (greeting.code() != 220) {
            throw SmtpException.refused(Step.GREETING, "greeting", greeting, d.transcript());
        }
        SmtpExtensions ext = hello(d, o);
        if (o.security() == Security.STARTTLS) {
            if (!ext.has("STARTTLS")) {
                throw new SmtpException(Step.STARTTLS, null, "STARTTLS: the server does not offer STARTTLS", null,
                        d.transcript());
            }
            expect(d, Step.STARTTLS, "STARTTLS", 220);
            d.startTls(Step.STARTTLS);
            ext = hello(d, o);
        }
        if (o.user() != null) {
            authenticate(d, o, ext);
        }
        String mail = mailFrom(from, recipients, message, ext);
        List<String> accepted = new ArrayList<>();
        Map<String, Reply> refused = new LinkedHashMap<>();
        envelope(d, mail, recipients, ext.has("PIPELINING"), accepted, refused);
        if (accepted.isEmpty()) {
            List<String> why = new ArrayList<>();
            refused.forEach((r, reply) -> why.add("RCPT TO:<" + r + "> refused: " + reply));
            throw new SmtpException(Step.RCPT, refused.values().iterator().next(), String.join("; ", why), null,
                    d.transcript());
        }
        expect(d, Step.DATA, "DATA", 354);
        d.message(message);
        Reply last = d.read(Step.MESSAGE);
        if (last.code() / 100 != 2) {
            throw SmtpException.refused(Step.MESSAGE, "message", last, d.transcript());
        }
        return new Result(last, accepted, refused, List.of());
    }

    /** EHLO, or HELO when the server does not know EHLO; what the server offers. */
    private static SmtpExtensions hello(SmtpDialog d, Options o) throws SmtpException {
        Reply r = d.command(Step.EHLO, "EHLO " + o.heloName());
        if (r.code() / 100 == 2) {
            return SmtpExtensions.of(r);
        }
        if (r.code() != 500 && r.code() != 502) {
            throw SmtpException.refused(Step.EHLO, "EHLO " + o.heloName(), r, d.transcript());
        }
        expect(d, Step.HELO, "HELO " + o.heloName(), 250);
        return SmtpExtensions.NONE;
    }

    /** AUTH PLAIN with the credentials in the first line when offered, else AUTH LOGIN. */
    private static void authenticate(SmtpDialog d, Options o, SmtpExtensions ext) throws SmtpException {
        byte[] user = o.user().getBytes(StandardCharsets.UTF_8);
        byte[] password = utf8(o.password());
        try {
            Base64.Encoder b64 = Base64.getEncoder();
            if (ext.authMechanisms().contains("PLAIN")) {
                byte[] plain = new byte[user.length + password.length + 2];
                System.arraycopy(user, 0, plain, 1, user.length);
                System.arraycopy(password, 0, plain, user.length + 2, password.length);
                String line = "AUTH PLAIN " + b64.encodeToString(plain);
                Arrays.fill(plain, (byte) 0);
                Reply r = d.command(Step.AUTH, line, "AUTH PLAIN ****");
                if (r.code() != 235) {
                    throw SmtpException.refused(Step.AUTH, "AUTH PLAIN", r, d.transcript());
                }
                return;
            }
            Reply r = d.command(Step.AUTH, "AUTH LOGIN");
            if (r.code() == 334) {
                r = d.command(Step.AUTH, b64.encodeToString(user), "****");
            }
            if (r.code() == 334) {
                r = d.command(Step.AUTH, b64.encodeToString(password), "****");
            }
            if (r.code() != 235) {
                throw SmtpException.refused(Step.AUTH, "AUTH LOGIN", r, d.transcript());
            }
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    private static String mailFrom(String from, List<String> recipients, byte[] message, SmtpExtensions ext) {
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(from).append('>');
        if (ext.has("SIZE")) {
            mail.append(" SIZE=").append(SmtpDataWriter.size(message));
        }
        if (ext.has("8BITMIME") && SmtpDataWriter.eightBit(message)) {
            mail.append(" BODY=8BITMIME");
        }
        boolean utf8 = !from.chars().allMatch(c -> c < 0x80)
                || recipients.stream().anyMatch(r -> !r.chars().allMatch(c -> c < 0x80));
        if (ext.has("SMTPUTF8") && utf8) {
            mail.append(" SMTPUTF8");
        }
        return mail.toString();
    }

    /** MAIL, then RCPT for each recipient; with PIPELINING a batch of commands before reading their replies. */
    private static void envelope(SmtpDialog d, String mail, List<String> recipients, boolean pipelining,
                                 List<String> accepted, Map<String, Reply> refused) throws SmtpException {
        d.write(Step.MAIL, mail);
        Reply mailReply = pipelining ? null : checkMail(d, mail, d.read(Step.MAIL));
        int batch = pipelining ? PIPELINE_BATCH : 1;
        for (int i = 0; i < recipients.size(); i += batch) {
            List<String> chunk = recipients.subList(i, Math.min(recipients.size(), i + batch));
            for (String r : chunk) {
                d.write(Step.RCPT, "RCPT TO:<" + r + ">");
            }
            if (mailReply == null) {
                mailReply = d.read(Step.MAIL);
            }
            for (String r : chunk) {
                Reply reply = d.read(Step.RCPT);
                if (reply.code() / 100 == 2) {
                    accepted.add(r);
                } else {
                    refused.put(r, reply);
                }
            }
            checkMail(d, mail, mailReply); // pipelined: only now, with the RCPT replies read, is the dialog in step
        }
    }

    private static Reply checkMail(SmtpDialog d, String mail, Reply r) throws SmtpException {
        if (r.code() / 100 != 2) {
            throw SmtpException.refused(Step.MAIL, mail, r, d.transcript());
        }
        return r;
    }

    private static Reply expect(SmtpDialog d, Step step, String line, int code) throws SmtpException {
        Reply r = d.command(step, line);
        if (r.code() != code) {
            throw SmtpException.refused(step, line, r, d.transcript());
        }
        return r;
    }

    private static void check(String address, boolean maySendEmpty) {
        if (address == null || (address.isBlank() && !(maySendEmpty && address.isEmpty()))) {
            throw new IllegalArgumentException("an address is required" + (maySendEmpty ? " (empty for <>)" : ""));
        }
        if (address.chars().anyMatch(c -> c == '\r' || c == '\n' || c == '<' || c == '>' || c == 0)) {
            throw new IllegalArgumentException("not a bare address: " + address.replaceAll("[\\r\\n]", " "));
        }
    }

    private static byte[] utf8(char[] chars) {
        var buf = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        if (buf.hasArray()) {
            Arrays.fill(buf.array(), (byte) 0);
        }
        return bytes;
    }
}
