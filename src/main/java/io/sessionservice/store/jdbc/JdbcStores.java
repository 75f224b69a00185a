package io.sessionservice.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.sessionservice.config.JdbcSettings;
import io.sessionservice.core.TouchResolution;
import java.time.Clock;

/** Opens the JDBC store from its settings, on a pool of its own and with its sweeper; SessionStores loads it only when that store is chosen. */
public final class JdbcStores {

    private JdbcStores() {
    }

    public static JdbcSessionStore open(JdbcSettings settings, TouchResolution touch, Clock clock) {
        SqlDialect dialect = SqlDialect.forUrl(settings.url());
        HikariDataSource pool = JdbcPool.open(settings.url(), settings.username(), settings.password(),
                settings.poolSize(), settings.timeout(), dialect);
        try {
            JdbcSessionStore store = new JdbcSessionStore(pool, dialect, settings.table(), touch, clock);
            ExpiredSessionSweeper sweeper = new ExpiredSessionSweeper(pool, dialect, settings.table(), clock,
                    settings.sweepBatch(), ExpiredSessionSweeper.DEFAULT_MAX_BATCHES).start(settings.sweepInterval());
            return store.closeWith(sweeper).closeWith(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }
}
