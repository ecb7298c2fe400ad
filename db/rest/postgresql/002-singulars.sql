-- rest service schema, version 2 (PostgreSQL): the same table as sqlite/002-singulars.sql.
CREATE TABLE singulars (
    name    TEXT COLLATE "C" PRIMARY KEY,
    version BIGINT NOT NULL,
    body    TEXT NOT NULL
);
