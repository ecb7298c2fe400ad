-- rest service schema, version 1 (SQLite).
-- items:       one row per JSON object; body is its compact JSON text with "id" first;
--              version is the database-wide revision of its last write (the ETag).
-- fields:      every scalar leaf of every item outside arrays (path "a.b"), as text (str), as
--              lower-case text (fold, for _like and q) and, for JSON numbers, as a number (num):
--              what filters and sorts read, through indexes.
-- collections: the known collections and the next id each assigns.
-- revision:    the last revision handed out, so ETags never repeat, even after a delete.
CREATE TABLE collections (
    name    TEXT PRIMARY KEY,
    next_id INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

CREATE TABLE items (
    collection TEXT NOT NULL,
    id         INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (collection, id)
) WITHOUT ROWID;

CREATE TABLE fields (
    collection TEXT NOT NULL,
    id         INTEGER NOT NULL,
    path       TEXT NOT NULL,
    str        TEXT,
    fold       TEXT,
    num        REAL,
    PRIMARY KEY (collection, id, path)
) WITHOUT ROWID;

CREATE INDEX fields_by_text ON fields (collection, path, str);
CREATE INDEX fields_by_number ON fields (collection, path, num);

CREATE TABLE revision (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO revision (id, value) VALUES (1, 0);
