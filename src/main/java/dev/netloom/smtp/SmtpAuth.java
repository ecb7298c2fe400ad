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
        String mechanism = words[0].toUpperCase(Locale.ROOT);
        String initial = words.length > 1 ? words[1] : null;
        String name;
        String password;
        switch (mechanism) {
            case "PLAIN" -> {
                String response = initial != null ? initial : ask("", reader);
                if (response == null) {
                    return Outcome.CUT;
                }
                byte[] decoded = decode(response);
                if (decoded == null) {
                    return Outcome.FAILED;
                }
                // authzid NUL authcid NUL passwd
                String[] parts = new String(decoded, StandardCharsets.UTF_8).split("\0", -1);
                if (parts.length != 3) {
                    replies.add("501 5.5.2 Error: PLAIN wants authzid NUL user NUL password");
                    return Outcome.FAILED;
                }
                if (!parts[0].isEmpty() && !parts[0].equals(parts[1])) {
                    replies.add("535 5.7.8 Error: acting for another user is not allowed");
                    return Outcome.FAILED;
                }
                name = parts[1];
                password = parts[2];
            }
            case "LOGIN" -> {
                String first = initial != null ? initial : ask("VXNlcm5hbWU6", reader); // "Username:"
                if (first == null) {
                    return Outcome.CUT;
                }
                byte[] u = decode(first);
                if (u == null) {
                    return Outcome.FAILED;
                }
                String second = ask("UGFzc3dvcmQ6", reader); // "Password:"
                if (second == null) {
                    return Outcome.CUT;
                }
                byte[] p = decode(second);
                if (p == null) {
                    return Outcome.FAILED;
                }
                name = new String(u, StandardCharsets.UTF_8);
                password = new String(p, StandardCharsets.UTF_8);
            }
            case "" -> {
                replies.add("501 5.5.4 Syntax: AUTH mechanism");
                return Outcome.FAILED;
            }
            default -> {
                replies.add("504 5.5.4 Unrecognized authentication type");
                return Outcome.FAILED;
            }
        }
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
