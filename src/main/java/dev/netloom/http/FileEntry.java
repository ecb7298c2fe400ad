package dev.netloom.http;

import dev.netloom.http1.HttpDates;

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
 */
record FileEntry(Path real, boolean directory, long size, long modified, String etag, String lastModified,
                 String contentType, byte[] body, FileEntry gzip, long checkedAt) {

    static FileEntry directory(Path real, long modified, long now) {
        return new FileEntry(real, true, 0, modified, null, HttpDates.format(modified), null, null, null, now);
    }

    static FileEntry file(Path real, long size, long modified, String contentType, byte[] body, FileEntry gzip, long now) {
        String etag = "\"" + Long.toHexString(modified / 1000) + "-" + Long.toHexString(size) + "\"";
        return new FileEntry(real, false, size, modified, etag, HttpDates.format(modified), contentType, body, gzip, now);
    }

    long cachedBytes() {
        return (body == null ? 0 : body.length) + (gzip == null ? 0 : gzip.cachedBytes());
    }

    FileEntry checked(long now) {
        return new FileEntry(real, directory, size, modified, etag, lastModified, contentType, body, gzip, now);
    }
}
