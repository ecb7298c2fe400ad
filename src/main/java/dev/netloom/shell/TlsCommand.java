package dev.netloom.shell;

import dev.netloom.core.LocalCa;
import dev.netloom.tools.SystemTrust;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * {@code tls trust | untrust | status} (alias {@code show}): netloom's local CA
 * ({@link LocalCa}, under the netloom home) and this machine's trust in it ({@link SystemTrust}).
 * Needs no service, so it also runs as {@code netloom tls trust}.
 */
@Command(name = "tls", description = {"Manage netloom's local CA and who trusts it.",
        "netloom's local CA signs the certificate of every TLS service:",
        "tls trust (install it in the system's trust store and NSS), tls untrust, tls status (alias show)."},
        subcommands = {TlsCommand.Trust.class, TlsCommand.Untrust.class, TlsCommand.Status.class})
final class TlsCommand {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    private TlsCommand() {
    }

    private static Path home(Shell shell) {
        return shell.registry().configFile().home();
    }

    @Command(name = "trust", description = {"Install the local CA in the system's and NSS's trust stores.",
            "Make the local CA if needed and install it in the system's trust store",
            "(update-ca-certificates) and ~/.pki/nssdb (with certutil), so curl, lftp, openssl and browsers trust",
            "netloom's services. Needs root for the system store (sudo is used otherwise)."})
    static final class Trust extends ShellBound {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
        boolean help;

        @Override
        public Integer call() throws IOException {
            LocalCa ca = LocalCa.loadOrCreate(home(shell));
            shell.out().println("local CA: " + ca.certificateFile());
            try {
                new SystemTrust().trust(ca, shell.out()::println);
            } catch (IOException e) {
                throw new ShellException(e.getMessage());
            }
            shell.out().println("trusted: " + ca.certificate().getSubjectX500Principal().getName());
            shell.out().flush();
            return 0;
        }
    }

    @Command(name = "untrust", description = {"Take the local CA out of the trust stores again.",
            "Remove the local CA from the system's trust store and ~/.pki/nssdb (the CA itself stays)."})
    static final class Untrust extends ShellBound {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
        boolean help;

        @Override
        public Integer call() throws IOException {
            Path crt = LocalCa.certificateFile(home(shell));
            if (!Files.exists(crt)) {
                shell.out().println("local CA: none in this home (" + crt + "), so none to untrust;"
                        + " another home's CA is untrusted from that home");
                shell.out().flush();
                return 0;
            }
            try {
                new SystemTrust().untrust(LocalCa.readCertificate(crt), shell.out()::println);
            } catch (IOException e) {
                throw new ShellException(e.getMessage());
            }
            shell.out().println("untrusted");
            shell.out().flush();
            return 0;
        }
    }

    @Command(name = "status", aliases = "show", description = {"Show the local CA and whether it is trusted.",
            "Where the local CA is, what it is, and whether the",
            "system and NSS trust it. Exit code 0 when the system trusts it, 1 when not (or no CA yet)."})
    static final class Status extends ShellBound {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
        boolean help;

        @Override
        public Integer call() throws IOException {
            Path crt = LocalCa.certificateFile(home(shell));
            SystemTrust system = new SystemTrust();
            if (!Files.exists(crt)) {
                shell.out().println("local CA: none yet (" + crt + " is made at the first TLS start, or by tls trust)");
                shell.out().flush();
                return 1;
            }
            X509Certificate cert = LocalCa.readCertificate(crt);
            boolean trusted = system.systemTrusts(cert);
            shell.out().println("local CA:     " + crt);
            shell.out().println("subject:      " + cert.getSubjectX500Principal().getName());
            shell.out().println("valid until:  " + cert.getNotAfter().toInstant());
            shell.out().println("SHA-256:      " + fingerprint(cert));
            shell.out().println("system store: " + (trusted ? "trusted" : "not trusted") + " (" + system.anchorFile(cert) + ")");
            shell.out().println("NSS:          " + system.nssStatus(cert));
            shell.out().flush();
            return trusted ? 0 : 1;
        }

        private static String fingerprint(X509Certificate cert) {
            try {
                return HexFormat.ofDelimiter(":").withUpperCase()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
            } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
                return "?";
            }
        }
    }
}
