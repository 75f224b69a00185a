package io.sessionservice.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/** MariaDB 10.6+: INSERT … ON DUPLICATE KEY UPDATE guarded by IF, DELETE … LIMIT, GET_LOCK. */
final class MariaDbDialect implements SqlDialect {

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public String driverClassName() {
        return "org.mariadb.jdbc.Driver";
    }

    /**
     * Each assignment keeps the old value unless the old row had expired. MariaDB applies them left to
     * right and later ones see earlier results, so expires_at, the column they all test, comes last.
     * With useAffectedRows the count is 1 (inserted), 2 (replaced an expired row) or 0 (kept a live one).
     */
    @Override
    public String insertSql(String table) {
        return "INSERT INTO " + table + " (" + SessionRows.COLUMNS + ") VALUES (" + SessionRows.PLACEHOLDERS
                + ") ON DUPLICATE KEY UPDATE "
                + SessionRows.assignments(c -> "IF(expires_at <= ?, VALUES(" + c + "), " + c + ")");
    }

    @Override
    public int insertNowParameters() {
        return SessionRows.REPLACED.size();
    }

    @Override
    public String sweepBatchSql(String table) {
        return "DELETE FROM " + table + " WHERE expires_at <= ? ORDER BY expires_at LIMIT ?";
    }

    @Override
    public String connectionInitSql(long timeoutMs) {
        return "SET SESSION max_statement_time = " + (timeoutMs / 1000.0);
    }

    @Override
    public Map<String, String> driverProperties(long timeoutMs) {
        // useAffectedRows: the insert above tells "kept a live row" (0) from "inserted" only with it.
        return Map.of("connectTimeout", String.valueOf(timeoutMs), "socketTimeout", String.valueOf(timeoutMs + 1000),
                "useAffectedRows", "true", "tcpKeepAlive", "true");
    }

    @Override
    public boolean tryLock(Connection connection, String name) throws SQLException {
        return SessionRows.queryTrue(connection, "SELECT GET_LOCK(?, 0)", name);
    }

    @Override
    public void unlock(Connection connection, String name) throws SQLException {
        SessionRows.queryTrue(connection, "SELECT RELEASE_LOCK(?)", name);
    }
}
