package io.sessionservice.store.jdbc;

import io.sessionservice.core.Digests;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * PostgreSQL 12+: INSERT … ON CONFLICT, touch and rotation in one statement each (data-modifying CTEs),
 * a DELETE of a LIMITed sub-select, advisory locks.
 */
final class PostgresDialect implements SqlDialect {

    /** The insert's guard: a row under the same token is overwritten only when it has expired (parameter: now). */
    private static final String REPLACING_ONLY_EXPIRED = " ON CONFLICT (token) DO UPDATE SET "
            + SessionRows.assignments(c -> "EXCLUDED." + c) + " WHERE s.expires_at <= ?";

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String driverClassName() {
        return "org.postgresql.Driver";
    }

    @Override
    public String insertSql(String table) {
        return "INSERT INTO " + table + " AS s (" + SessionRows.COLUMNS + ") VALUES (" + SessionRows.PLACEHOLDERS + ")"
                + REPLACING_ONLY_EXPIRED;
    }

    /**
     * The rotation's three steps as data-modifying CTEs of one statement, run in auto-commit: {@code old}
     * locks the live, writable row ({@code FOR UPDATE}: a rotation that waited for a concurrent one re-checks
     * the row's new version, finds it deleted or {@code rotated} and selects nothing); {@code moved} is the
     * insert's own guarded INSERT under the new token (an expired row there is overwritten, a live one kept);
     * {@code ended} deletes the old row or makes it the grace copy, only when {@code moved} wrote. Not
     * {@code UPDATE … RETURNING} first: RETURNING gives the values after the update (PostgreSQL before 18),
     * and the copy's update clears user_hash and sliding, which the new row must keep.
     */
    @Override
    public String rotateSql(String table, boolean grace) {
        String fromOld = String.join(", ", SessionRows.COLUMN_LIST.stream()
                .map(c -> c.equals("token") ? "?" : c.equals("rotated") ? "FALSE" : c).toList());
        return "WITH old AS MATERIALIZED (SELECT " + SessionRows.COLUMNS + " FROM " + table
                + " WHERE token = ? AND expires_at > ?" + SessionRows.WRITABLE + " FOR UPDATE),"
                + " moved AS (INSERT INTO " + table + " AS s (" + SessionRows.COLUMNS + ") SELECT " + fromOld + " FROM old"
                + REPLACING_ONLY_EXPIRED + " RETURNING " + SessionRows.SELECTED + "),"
                + " ended AS (" + SessionRows.endRotatedRowSql(table, grace) + " AND EXISTS (SELECT 1 FROM moved))"
                + " SELECT moved.* FROM old LEFT JOIN moved ON TRUE";
    }

    /**
     * The slide is due when it moves the expiry by more than min(maxMillis, ttl / 100), the rule of
     * TouchResolution.mustWrite, measured to the capped slide min(now + ttl, max(lifetime_end, expires_at))
     * of its lifetime-end overload and Session.expiryAfterAccess; the outer SELECT sees
     * the row as before the CTE's UPDATE, so it answers only when the UPDATE did not. A rotation's
     * read-only copy never slides (sliding is false).
     */
    @Override
    public String findAndTouchSql(String table) {
        String selected = SessionRows.SELECTED;
        // PostgreSQL's LEAST and GREATEST skip NULLs: an uncapped row's cap is read as "never".
        String slid = "LEAST(?::bigint + ttl_sec * 1000, GREATEST(COALESCE(lifetime_end, " + Long.MAX_VALUE + "), expires_at))";
        return "WITH slid AS (UPDATE " + table + " SET expires_at = " + slid + " WHERE token = ? AND expires_at > ?"
                + " AND sliding AND " + slid + " - expires_at > LEAST(?, ttl_sec * 10) RETURNING " + selected + ")"
                + " SELECT " + selected + " FROM slid UNION ALL SELECT " + selected + " FROM " + table
                + " WHERE token = ? AND expires_at > ? AND NOT EXISTS (SELECT 1 FROM slid)";
    }

    @Override
    public int insertNowParameters() {
        return 1;
    }

    @Override
    public String sweepBatchSql(String table) {
        return "DELETE FROM " + table + " WHERE token IN (SELECT token FROM " + table
                + " WHERE expires_at <= ? LIMIT ?)";
    }

    @Override
    public String connectionInitSql(long timeoutMs) {
        return "SET statement_timeout = " + timeoutMs;
    }

    @Override
    public Map<String, String> driverProperties(long timeoutMs) {
        // The driver counts these in whole seconds; the socket waits a second longer than the server's
        // statement_timeout, so a slow statement is cancelled by the server before the socket gives up.
        String seconds = String.valueOf(Math.max(1, (timeoutMs + 999) / 1000));
        return Map.of("connectTimeout", seconds, "loginTimeout", seconds,
                "socketTimeout", String.valueOf(Math.max(1, (timeoutMs + 999) / 1000) + 1),
                "tcpKeepAlive", "true", "ApplicationName", "session-service");
    }

    @Override
    public boolean tryLock(Connection connection, String name) throws SQLException {
        return SessionRows.queryTrue(connection, "SELECT CASE WHEN pg_try_advisory_lock(?) THEN 1 ELSE 0 END", key(name));
    }

    @Override
    public void unlock(Connection connection, String name) throws SQLException {
        SessionRows.queryTrue(connection, "SELECT CASE WHEN pg_advisory_unlock(?) THEN 1 ELSE 0 END", key(name));
    }

    /** Advisory locks are named by a bigint: the first 8 bytes of the name's SHA-256. */
    private static long key(String name) {
        return ByteBuffer.wrap(Digests.sha256(name)).getLong();
    }
}
