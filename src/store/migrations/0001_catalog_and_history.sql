-- The catalog: one row per durable catalog, database, table, view and
-- materialized table. `definition` is the statement that recreates the
-- object; replaying the rows in `seq` order rebuilds the catalog.
CREATE TABLE catalog_objects (
    catalog_name  TEXT    NOT NULL,
    database_name TEXT    NOT NULL,
    object_name   TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    definition    TEXT    NOT NULL,
    properties    TEXT    NOT NULL,
    owner         TEXT    NOT NULL,
    seq           BIGINT  NOT NULL,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    PRIMARY KEY (catalog_name, database_name, object_name)
);

-- What ran: jobs, batches and queries of every protocol, kept after they end.
CREATE TABLE history (
    id          TEXT    NOT NULL PRIMARY KEY,
    kind        TEXT    NOT NULL,
    owner       TEXT    NOT NULL,
    statement   TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    ended_at    BIGINT,
    row_count   BIGINT  NOT NULL,
    byte_count  BIGINT  NOT NULL,
    error       TEXT,
    properties  TEXT    NOT NULL
);
CREATE INDEX history_by_kind ON history (kind, created_at);
