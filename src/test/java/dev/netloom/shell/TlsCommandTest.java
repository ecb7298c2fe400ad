package dev.netloom.shell;

import dev.netloom.core.LocalCa;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tls status} before and after the CA exists (tls trust itself changes the machine's trust
 * store: tests/netcat/tls-trust.sh drives it), and the shell's TLS clients against a service whose
 * CA nobody trusts: {@code mail send --starttls} says so in words, {@code --cafile} with the CA
 * gets through.
 */
class TlsCommandTest extends ShellInHome {

    @Override
    boolean bodiesToBytes() {
        return true;
    }

    private String run(int expectedCode, String line) {
        return shell.run(expectedCode, line);
    }

    @Test
    void statusTellsWhereTheCaIsAndThatItIsNotTrusted() {
        String none = run(1, "tls status");
        assertTrue(none.contains("none yet") && none.contains(LocalCa.certificateFile(home).toString()), none);
        run(0, "start chat-tls port=0");
        String shown = run(1, "tls show");
        assertTrue(shown.contains("local CA:     " + LocalCa.certificateFile(home)), shown);
        assertTrue(shown.contains("CN=netloom local CA"), shown);
        assertTrue(shown.contains("system store: not trusted"), shown);
        assertTrue(shown.matches("(?s).*SHA-256: +([0-9A-F]{2}:){31}[0-9A-F]{2}.*"), shown);
    }

    @Test
    void mailStarttlsToAnUntrustedServerSaysWhatToDo() {
        run(0, "start smtp port=0 api-port=0 store=" + home.resolve("smtp.db") + " mode=local domains=example.test");
        int port = registry.running("smtp").address().getPort();
        String send = "mail send --to ok@example.test --from a@example.test --subject s --body b --starttls --server 127.0.0.1:" + port;
        String refused = run(1, send);
        assertTrue(refused.contains("the server's certificate is not trusted"), refused);
        assertTrue(refused.contains("netloom tls trust") && refused.contains("--cafile") && refused.contains("-k"), refused);
        assertFalse(refused.contains("PKIX path building failed"), refused);
        String sent = run(0, send + " --cafile " + LocalCa.certificateFile(home));
        assertTrue(sent.startsWith("250"), sent);
    }
}
