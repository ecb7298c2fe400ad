package dev.netloom.shell;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A log file of this machine (netloom's own, or a service's access log), read from its end and followed by polling. */
record LogFile(Path file) implements Instance.Log {

    @Override
    public String name() {
        return file.toString();
    }

    @Override
    public boolean exists() {
        return Files.exists(file);
    }

    @Override
    public List<String> tail(Predicate<String> wanted, int lines) throws IOException {
        Deque<String> tail = new ArrayDeque<>();
        try (Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
            all.filter(wanted).forEach(l -> {
                tail.addLast(l);
                if (tail.size() > Math.max(0, lines)) {
                    tail.removeFirst();
                }
            });
        }
        return List.copyOf(tail);
    }

    @Override
    public void follow(Predicate<String> wanted, Consumer<String> print) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            raf.seek(raf.length());
            while (!Thread.currentThread().isInterrupted()) {
                String line = raf.readLine();
                if (line == null) {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        break;
                    }
                    continue;
                }
                String text = new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                if (wanted.test(text)) {
                    print.accept(text);
                }
            }
            Thread.interrupted(); // Ctrl-C ended the follow, not the shell
        }
    }
}
