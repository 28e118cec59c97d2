-- Who uses the gateway: numbered users (management APIs name users by a
-- number), API keys (only the SHA-256 of each secret), role assignments and
-- the permissions granted to roles.
CREATE TABLE users (
    name        TEXT    NOT NULL PRIMARY KEY,
    user_id     BIGINT  NOT NULL UNIQUE,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE api_keys (
    id            TEXT    NOT NULL PRIMARY KEY,
    owner         TEXT    NOT NULL,
    secret_sha256 TEXT    NOT NULL,
    comment       TEXT    NOT NULL,
    enabled       BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX api_keys_by_owner ON api_keys (owner);

CREATE TABLE role_assignments (
    user_name   TEXT    NOT NULL,
    role_name   TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (user_name, role_name)
);

CREATE TABLE role_grants (
    role_name    TEXT    NOT NULL,
    object_type  TEXT    NOT NULL,
    resource     TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    grant_option BIGINT  NOT NULL,
    created_at   BIGINT  NOT NULL,
    PRIMARY KEY (role_name, object_type, resource, action)
);
