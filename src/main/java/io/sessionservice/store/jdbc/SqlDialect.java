package io.sessionservice.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;

/**
 * What differs between the databases the JDBC store runs on: the one-statement insert that may only
 * replace an expired row, touch and rotation in one statement where the database allows, the bounded
 * delete of the sweeper, the sweeper's lock across instances, and how a connection's waits are bounded. Everything else is plain SQL shared by all three.
 */
public interface SqlDialect {

    /** The dialect of a JDBC URL: {@code jdbc:postgresql:}, {@code jdbc:mariadb:} or {@code jdbc:h2:}. */
    static SqlDialect forUrl(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return new PostgresDialect();
        }
        if (lower.startsWith("jdbc:mariadb:")) {
            return new MariaDbDialect();
        }
        if (lower.startsWith("jdbc:h2:")) {
            return new H2Dialect();
        }
        throw new IllegalArgumentException("no SQL dialect for this JDBC URL: PostgreSQL, MariaDB and H2 are supported");
    }

    /** postgresql, mariadb or h2: also the name of the DDL resource {@code <name>.sql} next to this class. */
    String name();

    /**
     * The driver's class, named to the pool: in a servlet container DriverManager never scans the
     * webapp's jars (it loaded its drivers once, from the container's class path), so a URL alone finds
     * no driver in WEB-INF/lib.
     */
    String driverClassName();

    /**
     * Stores a session unless a live one holds its token, in one statement. Parameters: the columns of
     * {@link SessionRows#COLUMNS} in order, then "now" (epoch ms) {@link #insertNowParameters()} times.
     * Its update count is 0 when a live session kept the token (or a duplicate-key error says so).
     */
    String insertSql(String table);

    int insertNowParameters();

    /**
     * A find with touch in one statement, where the dialect can update and read in one (PostgreSQL:
     * {@code UPDATE … RETURNING} in a CTE), else null (the store reads, then updates when due).
     * Parameters: now, token, now, now, the resolution's maxMillis, token, now. Returns the
     * {@link SessionRows#SELECTED} columns of the live session, slid when the resolution says so.
     */
    default String findAndTouchSql(String table) {
        return null;
    }

    /**
     * A rotation in one statement, where the dialect can lock, insert and end the old row in one
     * (PostgreSQL: data-modifying CTEs), else null (the store runs them in a transaction). Parameters: token,
     * now, newToken, now, then those of {@link SessionRows#endRotatedRowSql}. Returns no row when the token
     * names no live, writable session; one row of nulls when the new token names a live session (nothing
     * written); else the {@link SessionRows#SELECTED} columns of the session under the new token.
     */
    default String rotateSql(String table, boolean grace) {
        return null;
    }

    /** Deletes at most {@code ?2} rows that expired at or before {@code ?1} (epoch ms). */
    String sweepBatchSql(String table);

    /** SQL run on each new connection to bound statement and lock waits by {@code timeoutMs}, or null. */
    String connectionInitSql(long timeoutMs);

    /** Driver properties bounding connect and socket reads by {@code timeoutMs}. */
    Map<String, String> driverProperties(long timeoutMs);

    /** Takes the sweeper's lock named {@code name} without waiting; held by {@code connection}'s session. */
    boolean tryLock(Connection connection, String name) throws SQLException;

    void unlock(Connection connection, String name) throws SQLException;

    /** Whether the failure is a unique-key violation (a concurrent insert of the same token won). */
    default boolean isDuplicateKey(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }
}
