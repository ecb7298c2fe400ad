package dev.netloom.kv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code netloom serve kv} in a JVM of its own, for tests that kill it or give it a small heap. */
final class KvProcess {

    private KvProcess() {
    }

    /** Starts kv on a free port with {@code jvmOptions} (e.g. -Xmx64m) and kv settings ({@code kv.dir=...}). */
    static Process launch(Path home, List<String> jvmOptions, String... settings) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "-Dnetloom.home=" + home,
                "-Dnetloom.tty=false", "dev.netloom.Main", "serve", "kv", "kv.port=0"));
        cmd.addAll(List.of(settings));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /**
     * The port from its "kv listening on 127.0.0.1:PORT (tcp)" line; its output goes on being
     * read (into {@code output}, when not null) so that the pipe never fills.
     */
    static int port(Process p, StringBuffer output) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Pattern line = Pattern.compile("kv listening on 127\\.0\\.0\\.1:(\\d+) \\(tcp\\)");
        String l;
        while ((l = out.readLine()) != null) {
            Matcher m = line.matcher(l);
            if (m.find()) {
                Thread.ofVirtual().start(() -> drain(out, output));
                return Integer.parseInt(m.group(1));
            }
        }
        throw new IOException("kv never said it was listening");
    }

    private static void drain(BufferedReader out, StringBuffer output) {
        try {
            for (String l; (l = out.readLine()) != null; ) {
                if (output != null) {
                    output.append(l).append('\n');
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }
}
