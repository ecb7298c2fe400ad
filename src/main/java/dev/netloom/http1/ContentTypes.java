package dev.netloom.http1;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Media types by file extension, for HTTP responses and mail attachments; text types carry
 * {@code charset=utf-8}.
 */
public final class ContentTypes {

    public static final String DEFAULT = "application/octet-stream";
    private static final Map<String, String> BY_EXTENSION = new HashMap<>();

    static {
        String utf8 = "; charset=utf-8";
        text("html htm", "text/html" + utf8);
        text("css", "text/css" + utf8);
        text("js mjs", "text/javascript" + utf8);
        text("json map webmanifest", "application/json" + utf8);
        text("txt text log conf ini properties", "text/plain" + utf8);
        text("md markdown", "text/markdown" + utf8);
        text("csv", "text/csv" + utf8);
        text("tsv", "text/tab-separated-values" + utf8);
        text("xml xsl", "application/xml" + utf8);
        text("svg", "image/svg+xml" + utf8);
        text("ics", "text/calendar" + utf8);
        text("vtt", "text/vtt" + utf8);
        text("yaml yml", "application/yaml" + utf8);
        text("rss", "application/rss+xml" + utf8);
        text("atom", "application/atom+xml" + utf8);
        text("java c h cpp py rb go rs sh", "text/plain" + utf8);
        text("png", "image/png");
        text("jpg jpeg", "image/jpeg");
        text("gif", "image/gif");
        text("webp", "image/webp");
        text("avif", "image/avif");
        text("ico", "image/vnd.microsoft.icon");
        text("bmp", "image/bmp");
        text("tif tiff", "image/tiff");
        text("woff", "font/woff");
        text("woff2", "font/woff2");
        text("ttf", "font/ttf");
        text("otf", "font/otf");
        text("eot", "application/vnd.ms-fontobject");
        text("mp3", "audio/mpeg");
        text("ogg oga", "audio/ogg");
        text("wav", "audio/wav");
        text("flac", "audio/flac");
        text("m4a", "audio/mp4");
        text("mp4 m4v", "video/mp4");
        text("webm", "video/webm");
        text("ogv", "video/ogg");
        text("mov", "video/quicktime");
        text("mkv", "video/x-matroska");
        text("avi", "video/x-msvideo");
        text("zip", "application/zip");
        text("gz tgz", "application/gzip");
        text("bz2", "application/x-bzip2");
        text("xz", "application/x-xz");
        text("zst", "application/zstd");
        text("tar", "application/x-tar");
        text("7z", "application/x-7z-compressed");
        text("rar", "application/vnd.rar");
        text("jar", "application/java-archive");
        text("pdf", "application/pdf");
        text("wasm", "application/wasm");
        text("doc", "application/msword");
        text("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        text("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        text("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation");
        text("odt", "application/vnd.oasis.opendocument.text");
        text("epub", "application/epub+zip");
        text("bin exe dll iso img", DEFAULT);
    }

    private ContentTypes() {
    }

    private static void text(String extensions, String type) {
        for (String e : extensions.split(" ")) {
            BY_EXTENSION.put(e, type);
        }
    }

    /** The type for a file name; unknown extensions are application/octet-stream. */
    public static String of(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0 || dot == fileName.length() - 1) {
            return DEFAULT;
        }
        return BY_EXTENSION.getOrDefault(fileName.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT);
    }
}
