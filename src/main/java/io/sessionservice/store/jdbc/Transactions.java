package io.sessionservice.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** The JDBC store's short transactions (update, rotate): commit, or roll back on any failure. */
final class Transactions {

    private Transactions() {
    }

    interface SqlWork<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} in one transaction on {@code c}; any failure (a refused mutation too) rolls it back. */
    static <T> T inTransaction(Connection c, SqlWork<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException rollbackFailed) {
                e.addSuppressed(rollbackFailed); // the connection broke: the pool discards it
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
