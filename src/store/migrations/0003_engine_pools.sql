-- Engine pools (the management API's virtual warehouses): what each is
-- (its size preset, up or down, idle suspension) and how busy it was, one
-- row per pool and minute.
CREATE TABLE engine_pools (
    name          TEXT    NOT NULL PRIMARY KEY,
    number        BIGINT  NOT NULL UNIQUE,
    description   TEXT    NOT NULL,
    config_id     BIGINT  NOT NULL,
    status        TEXT    NOT NULL,
    auto_suspend  BIGINT  NOT NULL,
    auto_resume   BIGINT  NOT NULL,
    owner         TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    modified_at   BIGINT  NOT NULL
);

CREATE TABLE engine_pool_usage (
    pool_name     TEXT    NOT NULL,
    minute        BIGINT  NOT NULL,
    busy_ms       BIGINT  NOT NULL,
    queries       BIGINT  NOT NULL,
    PRIMARY KEY (pool_name, minute)
);
