-- Session Service, JDBC store, MariaDB 10.6+. The service runs this at start (idempotent); apply it by
-- hand when its account may not run DDL. To use another table name, replace each "sessions" below.
-- token and user_hash are ASCII compared byte by byte (ascii_bin): the order of a user's sessions ties
-- by token; user_id and data are utf8mb4, user_id compared exactly (utf8mb4_bin).
CREATE TABLE IF NOT EXISTS sessions (
    token       VARCHAR(256) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    user_hash   CHAR(64) CHARACTER SET ascii COLLATE ascii_bin,
    user_id     TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    data        MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    data_bytes  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    ttl_sec     BIGINT NOT NULL,
    sliding     BOOLEAN NOT NULL,
    expires_at  BIGINT NOT NULL
) ENGINE = InnoDB;
-- a user's latest session and paged listing: newest first, ties by token descending
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_hash, created_at DESC, token DESC);
-- the sweeper's batches of expired rows
CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at);
