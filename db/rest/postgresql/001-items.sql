-- rest service schema, version 1 (PostgreSQL): the same tables as sqlite/001-items.sql.
-- Text compares byte-wise (COLLATE "C") so that sorting matches SQLite's.
CREATE TABLE collections (
    name    TEXT COLLATE "C" PRIMARY KEY,
    next_id BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE items (
    collection TEXT COLLATE "C" NOT NULL,
    id         BIGINT NOT NULL,
    version    BIGINT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (collection, id)
);

CREATE TABLE fields (
    collection TEXT COLLATE "C" NOT NULL,
    id         BIGINT NOT NULL,
    path       TEXT COLLATE "C" NOT NULL,
    str        TEXT COLLATE "C",
    fold       TEXT COLLATE "C",
    num        DOUBLE PRECISION,
    PRIMARY KEY (collection, id, path)
);

CREATE INDEX fields_by_text ON fields (collection, path, str);
CREATE INDEX fields_by_number ON fields (collection, path, num);

CREATE TABLE revision (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO revision (id, value) VALUES (1, 0);
