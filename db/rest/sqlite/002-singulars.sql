-- rest service schema, version 2 (SQLite): singular resources.
-- singulars: json-server's singular resources, a seed key whose value is one object
--            ("profile": {"name": "typicode"}), served at /profile; body is its JSON text,
--            version the revision of its last write (the ETag), as for items.
CREATE TABLE singulars (
    name    TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    body    TEXT NOT NULL
) WITHOUT ROWID;
