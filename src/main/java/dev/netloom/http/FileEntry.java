package dev.netloom.http;

import dev.netloom.http1.HttpDates;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * What the server knows of one file or directory under the root, cached between requests and
 * checked again for changes after {@code http.cache-check}.
 *
 * @param real         the real path (symlinks resolved, inside the root)
 * @param directory    a directory rather than a file
 * @param size         file size in bytes
 * @param modified     last modification, epoch millis
 * @param etag         strong validator {@code "mtime-size"} in hex, as nginx makes it
 * @param lastModified the modification time as an HTTP date
 * @param contentType  media type from the name
 * @param body         the content when small enough to keep in memory, else null
 * @param gzip         a precompressed sibling {@code NAME.gz}, or null
 * @param checkedAt    when the file system was last asked, System.nanoTime()
 * @param fullHead     the header lines of a 200 response for this file, prebuilt: validators,
 *                     Accept-Ranges, Vary and Content-Encoding when they apply, type and length
 */
record FileEntry(Path real, boolean directory, long size, long modified, String etag, String lastModified,
                 String contentType, byte[] body, FileEntry gzip, long checkedAt, byte[] fullHead) {

    static FileEntry directory(Path real, long modified, long now) {
        return new FileEntry(real, true, 0, modified, null, HttpDates.format(modified), null, null, null, now, null);
    }

    /**
     * A file; {@code gzip} is its precompressed sibling, {@code encoded} says this entry is
     * itself such a sibling (served with Content-Encoding: gzip).
     */
    static FileEntry file(Path real, long size, long modified, String contentType, byte[] body, FileEntry gzip,
                          boolean encoded, long now) {
        String etag = "\"" + Long.toHexString(modified / 1000) + "-" + Long.toHexString(size) + "\"";
        String lastModified = HttpDates.format(modified);
        String head = "Last-Modified: " + lastModified + "\r\nETag: " + etag + "\r\nAccept-Ranges: bytes\r\n"
                + (gzip != null || encoded ? "Vary: Accept-Encoding\r\n" : "")
                + (encoded ? "Content-Encoding: gzip\r\n" : "")
                + "Content-Type: " + contentType + "\r\nContent-Length: " + size + "\r\n";
        return new FileEntry(real, false, size, modified, etag, lastModified, contentType, body, gzip, now,
                head.getBytes(StandardCharsets.ISO_8859_1));
    }

    long cachedBytes() {
        return (body == null ? 0 : body.length) + (gzip == null ? 0 : gzip.cachedBytes());
    }

    FileEntry checked(long now) {
        return new FileEntry(real, directory, size, modified, etag, lastModified, contentType, body, gzip, now, fullHead);
    }
}
