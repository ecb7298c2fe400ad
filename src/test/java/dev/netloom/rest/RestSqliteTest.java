package dev.netloom.rest;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The API contract on SQLite, the default database: a fresh file per test. */
class RestSqliteTest extends JsonServerContract {

    @TempDir
    Path dir;
    private int n;

    @Override
    String freshDatabase() {
        return dir.resolve("rest-" + (++n) + ".db").toString();
    }
}
