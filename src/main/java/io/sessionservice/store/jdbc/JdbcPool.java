package io.sessionservice.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;

/**
 * The HikariCP pool of the JDBC store. Waiting for a connection, checking one, connecting and each
 * statement are bounded by the store's timeout (driver properties and per-connection settings of the
 * {@link SqlDialect}), so a dead database costs a request about that long and answers 503. The pool
 * starts even when the database is down and connects once it answers, so recovery needs no restart.
 */
public final class JdbcPool {

    /** HikariCP's floor for its connection and validation timeouts. */
    private static final long MIN_TIMEOUT_MS = 250;

    private JdbcPool() {
    }

    public static HikariDataSource open(String url, String username, String password, int poolSize,
                                        Duration timeout, SqlDialect dialect) {
        long ms = Math.max(MIN_TIMEOUT_MS, timeout.toMillis());
        HikariConfig config = new HikariConfig();
        config.setPoolName("session-store-jdbc");
        config.setJdbcUrl(url);
        config.setDriverClassName(dialect.driverClassName());
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(ms);
        config.setValidationTimeout(Math.max(MIN_TIMEOUT_MS, ms / 2));
        config.setInitializationFailTimeout(-1); // start without the database; connect when it answers
        config.setConnectionInitSql(dialect.connectionInitSql(ms));
        dialect.driverProperties(ms).forEach(config::addDataSourceProperty);
        return new HikariDataSource(config);
    }
}
