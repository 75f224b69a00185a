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
    lifetime_end BIGINT,
    rotated     BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at  BIGINT NOT NULL
) ENGINE = InnoDB;
-- tables created before the lifetime cap and rotation (issue 13) gain their columns
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS lifetime_end BIGINT;
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS rotated BOOLEAN NOT NULL DEFAULT FALSE;
-- a user's latest session and paged listing: newest first, ties by token descending
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_hash, created_at DESC, token DESC);
-- the sweeper's batches of expired rows, and the count of live sessions, which reads rotated from the
-- index to leave grace copies out
CREATE INDEX IF NOT EXISTS sessions_expiry_rotated ON sessions (expires_at, rotated);
-- tables created before it had an expiry index without rotated, which the one above replaces
DROP INDEX IF EXISTS sessions_by_expiry ON sessions;
