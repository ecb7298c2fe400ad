package dev.netloom.shell;

import dev.netloom.tools.ClientTls;
import org.jline.reader.LineReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * {@code chat HOST PORT [--tls [--cafile PEM | --insecure]] [--nick NAME]}: the interactive line
 * client of {@code connect}, for a chat server: with {@code --nick} the nick is sent first; with
 * {@code --tls} the connection is TLS 1.3/1.2, its certificate checked against the JDK's trust
 * store, a PEM file ({@code --cafile}), or not at all ({@code --insecure}, as curl -k).
 */
@Command(name = "chat", description = {"Chat client: connect with a nick, over TLS with --tls.",
        "Like connect, with --nick NAME sent first and --tls for chat-tls.",
        "Typed lines are sent, incoming lines print above the prompt; /leave or Ctrl-D returns to the shell."})
final class ChatCommand extends ShellBound {

    @Parameters(index = "0", paramLabel = "HOST")
    String host;
    @Parameters(index = "1", paramLabel = "PORT")
    int port;
    @Option(names = "--nick", paramLabel = "NAME", description = "send this nick first")
    String nick;
    @Option(names = "--tls", description = "TLS 1.3/1.2 (for chat-tls); the certificate must be trusted and name HOST")
    boolean tls;
    @Option(names = "--cafile", paramLabel = "PEM", description = "with --tls: trust the certificates in this PEM file")
    Path caFile;
    @Option(names = {"-k", "--insecure"}, description = "with --tls: accept any certificate (testing only)")
    boolean insecure;

    @Override
    public Integer call() throws IOException, InterruptedException {
        LineReader reader = ClientCommands.terminal(shell, "chat");
        if ((caFile != null || insecure) && !tls) {
            throw ShellException.usage("--cafile and --insecure go with --tls");
        }
        Socket socket = new Socket();
        try {
            try {
                socket.connect(new InetSocketAddress(host, port), 5000);
                if (tls) {
                    SSLSocket ssl = (SSLSocket) context().getSocketFactory().createSocket(socket, host, port, true);
                    ssl.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                    var params = ssl.getSSLParameters();
                    if (!insecure) {
                        params.setEndpointIdentificationAlgorithm("HTTPS");
                    }
                    ssl.setSSLParameters(params);
                    socket.setSoTimeout(10_000);
                    ssl.startHandshake();
                    socket.setSoTimeout(0);
                    socket = ssl;
                }
            } catch (IOException e) {
                throw new ShellException("cannot " + (tls ? "open TLS to " : "connect to ") + host + ":" + port + ": "
                        + e.getMessage());
            }
            ClientCommands.interact(shell, reader, socket, host + ":" + port, nick);
        } finally {
            socket.close();
        }
        return 0;
    }

    private SSLContext context() throws IOException {
        try {
            return ClientTls.context(caFile, insecure);
        } catch (IOException e) {
            if (e.getCause() instanceof GeneralSecurityException) {
                throw new ShellException(e.getMessage());
            }
            throw e;
        }
    }
}
