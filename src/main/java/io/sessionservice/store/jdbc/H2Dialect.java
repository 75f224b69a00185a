package io.sessionservice.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * H2 2.x in file mode, the embedded store that survives restarts: MERGE … WHEN MATCHED AND, DELETE …
 * FETCH FIRST. An H2 file is opened by one process only, so the sweeper's lock is one of this JVM.
 */
final class H2Dialect implements SqlDialect {

    private static final Set<String> HELD_LOCKS = ConcurrentHashMap.newKeySet();

    @Override
    public String name() {
        return "h2";
    }

    @Override
    public String driverClassName() {
        return "org.h2.Driver";
    }

    @Override
    public String insertSql(String table) {
        String values = String.join(", ", SessionRows.COLUMN_LIST.stream().map(c -> "n." + c).toList());
        return "MERGE INTO " + table + " s USING (VALUES (" + SessionRows.PLACEHOLDERS + ")) n(" + SessionRows.COLUMNS
                + ") ON s.token = n.token WHEN MATCHED AND s.expires_at <= ? THEN UPDATE SET " + SessionRows.assignments(c -> "n." + c)
                + " WHEN NOT MATCHED THEN INSERT (" + SessionRows.COLUMNS + ") VALUES (" + values + ")";
    }

    @Override
    public int insertNowParameters() {
        return 1;
    }

    @Override
    public String sweepBatchSql(String table) {
        return "DELETE FROM " + table + " WHERE expires_at <= ? FETCH FIRST ? ROWS ONLY";
    }

    @Override
    public String connectionInitSql(long timeoutMs) {
        return "SET LOCK_TIMEOUT " + timeoutMs + "; SET QUERY_TIMEOUT " + timeoutMs;
    }

    @Override
    public Map<String, String> driverProperties(long timeoutMs) {
        return Map.of(); // embedded: no socket
    }

    @Override
    public boolean tryLock(Connection connection, String name) throws SQLException {
        return HELD_LOCKS.add(connection.getMetaData().getURL() + "#" + name);
    }

    @Override
    public void unlock(Connection connection, String name) throws SQLException {
        HELD_LOCKS.remove(connection.getMetaData().getURL() + "#" + name);
    }
}
