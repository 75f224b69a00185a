package io.sessionservice.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The JDBC store's own meters: HikariCP's, through its Micrometer tracker (tag {@code pool}: the pool's
 * name, {@code session-store-jdbc}): {@code hikaricp_connections} with {@code _active}, {@code _idle},
 * {@code _pending}, {@code _max}, {@code _min}, the timers {@code hikaricp_connections_acquire},
 * {@code _usage} and {@code _creation}, and {@code hikaricp_connections_timeout_total} (a request that
 * waited {@code timeoutMs} for a connection). HikariCP accepts the tracker once, on a running pool; a
 * store on another DataSource (tests wrap the pool) offers none.
 */
public final class JdbcMeters implements MeterBinder {

    private final JdbcSessionStore store;

    public JdbcMeters(JdbcSessionStore store) {
        this.store = store;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (store.dataSource() instanceof HikariDataSource pool) {
            pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        }
    }
}
