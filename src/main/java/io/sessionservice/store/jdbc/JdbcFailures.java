package io.sessionservice.store.jdbc;

import io.sessionservice.core.StoreUnavailableException;
import java.sql.SQLException;

/**
 * Turns a driver's failure into store trouble (503). Only the SQLState and vendor code are kept in the
 * message, which the service logs: a server's own text can quote a token (a duplicate key names it).
 */
final class JdbcFailures {

    private JdbcFailures() {
    }

    static StoreUnavailableException unavailable(String operation, SQLException e) {
        return new StoreUnavailableException("JDBC " + operation + " failed: " + e.getClass().getSimpleName()
                + " SQLState " + e.getSQLState() + " code " + e.getErrorCode(), e);
    }
}
