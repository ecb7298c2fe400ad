package dev.netloom.tools;

import dev.netloom.core.LocalCa;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Puts netloom's {@link LocalCa} certificate into the trust stores of this machine and takes it out
 * again, as {@code mkcert -install} and {@code -uninstall} do:
 * <ul>
 * <li>the system's (Debian, Ubuntu):
 *     {@code /usr/local/share/ca-certificates/netloom-local-ca-XXXXXXXX.crt} (0644; XXXXXXXX the
 *     first 8 hex digits of the CA's SHA-256, so that the CAs of two netloom homes are trusted side
 *     by side and each untrusted alone, as mkcert names its CA's file), then
 *     {@code update-ca-certificates}, which rebuilds {@code /etc/ssl/certs/ca-certificates.crt}
 *     (curl, lftp, openssl, wget, Python, and netloom's own clients read it) and Debian's Java
 *     cacerts;</li>
 * <li>the NSS database {@code ~/.pki/nssdb} (Chromium, and Firefox where it uses it), when
 *     {@code certutil} (libnss3-tools) is installed: {@code certutil -A -t C,,}, under the same name.</li>
 * </ul>
 * The system steps need root: when not root they run through {@code sudo} (which may ask for the
 * password on the terminal). The CA's key never leaves the netloom home.
 */
public final class SystemTrust {

    /** The start of the CA's nickname in NSS and of its file name in the system's directory. */
    public static final String NAME = LocalCa.NAME;

    private final Path anchors;
    private final Path bundle;
    private final Path nssdb;

    /** The Debian locations and the user's NSS database. */
    public SystemTrust() {
        this(Path.of("/usr/local/share/ca-certificates"), ClientTls.SYSTEM_BUNDLE,
                Path.of(System.getProperty("user.home"), ".pki", "nssdb"));
    }

    SystemTrust(Path anchors, Path bundle, Path nssdb) {
        this.anchors = anchors;
        this.bundle = bundle;
        this.nssdb = nssdb;
    }

    /** Where {@code ca} goes in the system's anchors directory: {@code netloom-local-ca-XXXXXXXX.crt}. */
    public Path anchorFile(X509Certificate ca) throws IOException {
        return anchors.resolve(name(ca) + ".crt");
    }

    /** {@code netloom-local-ca-} and the first 8 hex digits of {@code ca}'s SHA-256: its file's and its NSS nickname. */
    static String name(X509Certificate ca) throws IOException {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(encoded(ca));
            return NAME + "-" + HexFormat.of().formatHex(sha, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }

    /**
     * Installs {@code ca} (its certificate) in the system store and in NSS; prints each step to {@code log}.
     *
     * @throws IOException when a step fails (its command's output in the message) or the system has no
     *                     update-ca-certificates
     */
    public void trust(LocalCa ca, Consumer<String> log) throws IOException {
        if (!Files.isDirectory(anchors.getParent()) || which("update-ca-certificates") == null) {
            throw new IOException("this system has no " + anchors + " and update-ca-certificates (Debian's ca-certificates"
                    + " package): trust " + ca.certificateFile() + " by hand, or give it with --cafile");
        }
        Path tmp = Files.createTempFile(NAME, ".crt");
        try {
            Files.write(tmp, LocalCa.pem("CERTIFICATE", encoded(ca.certificate())));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            run(log, true, "install", "-D", "-m", "0644", tmp.toString(), anchorFile(ca.certificate()).toString());
        } finally {
            Files.deleteIfExists(tmp);
        }
        run(log, true, "update-ca-certificates");
        if (which("certutil") != null) {
            if (!Files.isDirectory(nssdb)) {
                Files.createDirectories(nssdb);
                run(log, false, "certutil", "-N", "-d", "sql:" + nssdb, "--empty-password");
            }
            nssDelete(name(ca.certificate()), log);
            run(log, false, "certutil", "-A", "-d", "sql:" + nssdb, "-t", "C,,", "-n", name(ca.certificate()),
                    "-i", ca.certificateFile().toString());
        } else {
            log.accept("certutil not installed (libnss3-tools): the NSS database of browsers is left alone");
        }
    }

    /** Removes {@code ca} (only it: another home's CA stays) from the system store and from NSS; what is not there is skipped. */
    public void untrust(X509Certificate ca, Consumer<String> log) throws IOException {
        Path file = anchorFile(ca);
        if (Files.exists(file)) {
            run(log, true, "rm", "-f", file.toString());
            run(log, true, "update-ca-certificates");
        } else {
            log.accept(file + " is not there");
        }
        if (which("certutil") != null && Files.isDirectory(nssdb)) {
            nssDelete(name(ca), log);
        }
    }

    /** Whether the system's bundle holds {@code cert}. */
    public boolean systemTrusts(X509Certificate cert) {
        if (!Files.isReadable(bundle)) {
            return false;
        }
        try (var in = Files.newInputStream(bundle)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).contains(cert);
        } catch (IOException | GeneralSecurityException e) {
            return false;
        }
    }

    /** "trusted", "not trusted", or why it cannot be told, for the NSS database. */
    public String nssStatus(X509Certificate cert) {
        if (which("certutil") == null) {
            return "certutil not installed (libnss3-tools)";
        }
        if (!Files.isDirectory(nssdb)) {
            return "no database at " + nssdb;
        }
        try {
            Process p = new ProcessBuilder(which("certutil").toString(), "-L", "-d", "sql:" + nssdb, "-n", name(cert), "-a")
                    .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "not trusted (" + nssdb + ")";
            }
            var stored = CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(out));
            return stored.equals(cert) ? "trusted (" + nssdb + ")" : "holds another " + name(cert) + " (" + nssdb + ")";
        } catch (IOException | GeneralSecurityException e) {
            return "unreadable: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private void nssDelete(String name, Consumer<String> log) throws IOException {
        // certutil -D removes one entry per call; a name added twice (by hand) needs more
        for (int i = 0; i < 10; i++) {
            Process p = new ProcessBuilder(which("certutil").toString(), "-D", "-d", "sql:" + nssdb, "-n", name)
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            log.accept("removed " + name + " from " + nssdb);
        }
    }

    private static void run(Consumer<String> log, boolean root, String... command) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (root && !isRoot()) {
            if (which("sudo") == null) {
                throw new IOException(String.join(" ", command) + " needs root, and there is no sudo");
            }
            cmd.add("sudo");
        }
        Path program = which(command[0]);
        cmd.add(program == null ? command[0] : program.toString());
        cmd.addAll(List.of(command).subList(1, command.length));
        log.accept("$ " + String.join(" ", cmd));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.INHERIT); // sudo may ask for a password
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish in 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + ")"
                    + (out.isEmpty() ? "" : ": " + out));
        }
    }

    static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static Path which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin")) { // not on a user's PATH on Debian
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static byte[] encoded(X509Certificate cert) throws IOException {
        try {
            return cert.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
