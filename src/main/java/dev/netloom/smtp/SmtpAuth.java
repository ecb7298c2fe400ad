package dev.netloom.smtp;

import dev.netloom.core.LineReader;
import dev.netloom.core.PasswordHash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The AUTH exchange (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms against the
 * configured users' password hashes. On a connection without TLS it is refused with 538 unless
 * {@code smtp.auth-plaintext}; a failure is answered 535 after {@code smtp.login-delay}, and an
 * unknown user costs the same hash check as a known one, so timing does not tell them apart.
 * After {@code smtp.max-auth-failures} such failures the session closes with 421 (as ftp does
 * after {@code ftp.max-login-failures}), so one connection cannot guess forever.
 */
final class SmtpAuth {

    private static final String DUMMY_HASH = PasswordHash.create("not a password".toCharArray());

    private final SmtpConfig config;
    private final SmtpReplies replies;

    SmtpAuth(SmtpConfig config, SmtpReplies replies) {
        this.config = config;
        this.replies = replies;
    }

    /**
     * @param user   who logged in, or null
     * @param failed the attempt counts as an error (bad credentials, syntax)
     * @param cut    the client left in the middle
     * @param denied the credentials were checked and wrong (535): a guess, which
     *               {@code smtp.max-auth-failures} counts
     */
    record Outcome(String user, boolean failed, boolean cut, boolean denied) {
        static final Outcome FAILED = new Outcome(null, true, false, false);
        static final Outcome CUT = new Outcome(null, true, true, false);
        static final Outcome DENIED = new Outcome(null, true, false, true);
    }

    /** The user name and password a mechanism read, or the outcome that ended the exchange first. */
    private record Attempt(String name, String password, Outcome ended) {
        static final Attempt FAILED = new Attempt(null, null, Outcome.FAILED);
        static final Attempt CUT = new Attempt(null, null, Outcome.CUT);
    }

    /** Whether EHLO should announce AUTH on a connection with or without TLS. */
    boolean offered(boolean tls) {
        return !config.users().isEmpty() && (tls || config.authPlaintext());
    }

    /** Runs {@code AUTH arg}, reading continuation lines from {@code reader}; replies are queued. */
    Outcome run(String arg, boolean tls, LineReader reader) throws IOException {
        if (config.users().isEmpty()) {
            replies.add("502 5.5.1 Error: authentication not enabled");
            return Outcome.FAILED;
        }
        if (!tls && !config.authPlaintext()) {
            replies.add("538 5.7.11 Encryption required for requested authentication mechanism");
            return Outcome.FAILED;
        }
        String[] words = arg.strip().split(" +");
        String initial = words.length > 1 ? words[1] : null;
        Attempt attempt = switch (words[0].toUpperCase(Locale.ROOT)) {
            case "PLAIN" -> plain(initial, reader);
            case "LOGIN" -> login(initial, reader);
            case "" -> refuse("501 5.5.4 Syntax: AUTH mechanism");
            default -> refuse("504 5.5.4 Unrecognized authentication type");
        };
        return attempt.ended() != null ? attempt.ended() : check(attempt.name(), attempt.password());
    }

    /** PLAIN: one response, {@code authzid NUL authcid NUL passwd}, in the AUTH line or after a 334. */
    private Attempt plain(String initial, LineReader reader) throws IOException {
        String response = initial != null ? initial : ask("", reader);
        if (response == null) {
            return Attempt.CUT;
        }
        byte[] decoded = decode(response);
        if (decoded == null) {
            return Attempt.FAILED;
        }
        String[] parts = new String(decoded, StandardCharsets.UTF_8).split("\0", -1);
        if (parts.length != 3) {
            return refuse("501 5.5.2 Error: PLAIN wants authzid NUL user NUL password");
        }
        if (!parts[0].isEmpty() && !parts[0].equals(parts[1])) {
            return refuse("535 5.7.8 Error: acting for another user is not allowed");
        }
        return new Attempt(parts[1], parts[2], null);
    }

    /** LOGIN: the user name (in the AUTH line or after "Username:"), then the password after "Password:". */
    private Attempt login(String initial, LineReader reader) throws IOException {
        String first = initial != null ? initial : ask("VXNlcm5hbWU6", reader); // "Username:"
        if (first == null) {
            return Attempt.CUT;
        }
        byte[] u = decode(first);
        if (u == null) {
            return Attempt.FAILED;
        }
        String second = ask("UGFzc3dvcmQ6", reader); // "Password:"
        if (second == null) {
            return Attempt.CUT;
        }
        byte[] p = decode(second);
        if (p == null) {
            return Attempt.FAILED;
        }
        return new Attempt(new String(u, StandardCharsets.UTF_8), new String(p, StandardCharsets.UTF_8), null);
    }

    /**
     * Checks the credentials against the users' hashes, an unknown user against a dummy hash so
     * the time taken does not tell; a failure waits {@code smtp.login-delay} before its 535.
     */
    private Outcome check(String name, String password) {
        String hash = config.users().get(name);
        boolean ok = PasswordHash.verify(password.toCharArray(), hash != null ? hash : DUMMY_HASH) && hash != null;
        if (!ok) {
            pause();
            replies.add("535 5.7.8 Error: authentication failed");
            return Outcome.DENIED;
        }
        replies.add("235 2.7.0 Authentication successful");
        return new Outcome(name, false, false, false);
    }

    /** Queues {@code reply} and ends the exchange as failed. */
    private Attempt refuse(String reply) {
        replies.add(reply);
        return Attempt.FAILED;
    }

    /** Sends a 334 challenge and reads the answer; null when the client left. */
    private String ask(String challenge, LineReader reader) throws IOException {
        replies.send("334 " + challenge);
        LineReader.Line line = reader.read();
        if (line == null) {
            return null;
        }
        replies.trace("C: ", "****");
        return line.tooLong() ? "" : line.text().strip();
    }

    /**
     * The bytes of a response: base64, "=" or an empty line for none; null after queuing 501 when
     * it is "*" (the client cancels) or not base64.
     */
    private byte[] decode(String response) {
        if (response.equals("*")) {
            replies.add("501 5.7.0 Authentication cancelled");
            return null;
        }
        if (response.isEmpty() || response.equals("=")) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(response);
        } catch (IllegalArgumentException e) {
            replies.add("501 5.5.2 Error: cannot decode the response (not base64)");
            return null;
        }
    }

    private void pause() {
        try {
            Thread.sleep(config.loginDelay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
