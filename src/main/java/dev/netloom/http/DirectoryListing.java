package dev.netloom.http;

import dev.netloom.core.ByteSize;
import dev.netloom.http1.Html;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The HTML page listing a directory: folders first, then files, each sorted by name, with sizes
 * and modification times (UTC), and a link to the parent. Names are HTML-escaped and links
 * percent-encoded, so no file name can inject markup.
 *
 * <p>It lists only what the server would serve: a symlink whose target lies outside the root
 * (which answers 403) is left out, so neither its name's target size nor its time leaks, and so
 * are dangling links and anything that is neither a file nor a directory (a FIFO, a socket).
 */
final class DirectoryListing {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private record Item(String name, boolean directory, long size, long modified) {
    }

    private DirectoryListing() {
    }

    /** The listing of {@code dir}, a real path under the real {@code root}. */
    static byte[] render(Path dir, Path root, String urlPath, boolean dotfiles) throws IOException {
        List<Item> items = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if (!dotfiles && name.startsWith(".")) {
                    continue;
                }
                try {
                    if (Files.isSymbolicLink(p) && !p.toRealPath().startsWith(root)) {
                        continue; // served as 403: its target's metadata is not ours to show
                    }
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isDirectory() || a.isRegularFile()) {
                        items.add(new Item(name, a.isDirectory(), a.size(), a.lastModifiedTime().toMillis()));
                    }
                } catch (IOException e) {
                    // a dangling link, a loop, or a file gone meanwhile: not listed
                }
            }
        }
        items.sort(Comparator.comparing((Item i) -> !i.directory()).thenComparing(Item::name));
        String base = urlPath.endsWith("/") ? urlPath : urlPath + "/";
        String title = "Index of " + Html.escape(base);
        StringBuilder html = new StringBuilder(512 + items.size() * 160);
        html.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(title)
                .append("</title>\n<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
                        + "td,th{padding:.2em 1.2em .2em 0;text-align:left}td.size{text-align:right}"
                        + "a{text-decoration:none}a:hover{text-decoration:underline}</style>\n</head>\n<body>\n<h1>")
                .append(title).append("</h1>\n<table>\n<tr><th>Name</th><th>Size</th><th>Modified (UTC)</th></tr>\n");
        if (!base.equals("/")) {
            html.append("<tr><td><a href=\"../\">../</a></td><td class=\"size\">-</td><td></td></tr>\n");
        }
        for (Item i : items) {
            String shown = Html.escape(i.name()) + (i.directory() ? "/" : "");
            String href = Html.escape(UrlPath.encode(i.name())) + (i.directory() ? "/" : "");
            html.append("<tr><td><a href=\"").append(href).append("\">").append(shown).append("</a></td><td class=\"size\">")
                    .append(i.directory() ? "-" : ByteSize.format(i.size())).append("</td><td>")
                    .append(TIME.format(Instant.ofEpochMilli(i.modified()))).append("</td></tr>\n");
        }
        html.append("</table>\n<p><small>netloom http</small></p>\n</body>\n</html>\n");
        return html.toString().getBytes(StandardCharsets.UTF_8);
    }

}
