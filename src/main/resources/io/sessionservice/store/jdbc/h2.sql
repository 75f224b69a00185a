-- Session Service, JDBC store, H2 2.x (file mode). The service runs this at start (idempotent).
-- To use another table name, replace each "sessions" below.
CREATE TABLE IF NOT EXISTS sessions (
    token       VARCHAR(256) NOT NULL PRIMARY KEY,
    user_hash   CHAR(64),
    user_id     VARCHAR,
    data        CLOB NOT NULL,
    data_bytes  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    ttl_sec     BIGINT NOT NULL,
    sliding     BOOLEAN NOT NULL,
    expires_at  BIGINT NOT NULL
);
-- a user's latest session and paged listing: newest first, ties by token descending
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_hash, created_at DESC, token DESC);
-- the sweeper's batches of expired rows
CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at);
