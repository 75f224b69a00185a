package io.sessionservice.store.jdbc;

import io.sessionservice.core.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the rows of expired sessions, which reads already ignore, so the table holds about the live
 * ones. A round deletes at most {@code batchSize} rows per statement (each its own short transaction,
 * so it never holds many row locks) and at most {@code maxBatches} statements; rows left over wait for
 * the next round. Of several instances on one table only one sweeps at a time: a round first takes the
 * dialect's lock without waiting (PostgreSQL advisory lock, MariaDB GET_LOCK, a JVM lock for an H2 file)
 * and skips when another holds it. Expiry is judged by the service's clock, as reads judge it.
 */
public final class ExpiredSessionSweeper implements AutoCloseable {

    /** Statements per round: with the default batch, up to 100 000 rows a round. */
    public static final int DEFAULT_MAX_BATCHES = 100;

    private static final Logger LOG = LoggerFactory.getLogger(ExpiredSessionSweeper.class);

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final String table;
    private final Clock clock;
    private final int batchSize;
    private final int maxBatches;
    private final String deleteSql;
    private ScheduledExecutorService thread;
    /** Whether the last scheduled round failed: one WARN per outage, not one per round. */
    private volatile boolean failing;

    public ExpiredSessionSweeper(DataSource dataSource, SqlDialect dialect, String table, Clock clock,
                                 int batchSize, int maxBatches) {
        if (batchSize < 1 || maxBatches < 1) {
            throw new IllegalArgumentException("batchSize and maxBatches must be positive");
        }
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.table = table;
        this.clock = clock;
        this.batchSize = batchSize;
        this.maxBatches = maxBatches;
        this.deleteSql = dialect.sweepBatchSql(table);
    }

    /** Sweeps every {@code interval} on a daemon thread of its own until {@link #close()}. */
    public synchronized ExpiredSessionSweeper start(Duration interval) {
        if (thread == null) {
            thread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "jdbc-session-sweeper-" + table);
                t.setDaemon(true);
                return t;
            });
            long ms = interval.toMillis();
            thread.scheduleWithFixedDelay(this::scheduledRound, ms, ms, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * One round. @return rows deleted; 0 when another instance holds the lock
     * @throws StoreUnavailableException when the database fails
     */
    public int sweepOnce() {
        long now = clock.millis();
        try (Connection c = dataSource.getConnection()) {
            if (!dialect.tryLock(c, lockName())) {
                return 0;
            }
            try {
                return deleteExpired(c, now);
            } finally {
                dialect.unlock(c, lockName());
            }
        } catch (SQLException e) {
            throw JdbcFailures.unavailable("sweep", e);
        }
    }

    private int deleteExpired(Connection c, long now) throws SQLException {
        int total = 0;
        try (PreparedStatement ps = c.prepareStatement(deleteSql)) {
            for (int batch = 0; batch < maxBatches; batch++) {
                ps.setLong(1, now);
                ps.setInt(2, batchSize);
                int deleted = ps.executeUpdate();
                total += deleted;
                if (deleted < batchSize) {
                    break;
                }
            }
        }
        return total;
    }

    /** The lock of this table's sweepers (MariaDB lock names hold at most 64 characters). */
    String lockName() {
        return "session-sweep:" + table;
    }

    /** A scheduled round: failures are logged once per outage, and the next round tries again. */
    void scheduledRound() {
        try {
            int deleted = sweepOnce();
            if (failing) {
                failing = false;
                LOG.info("The expired-session sweeper of {} works again", table);
            }
            LOG.debug("Swept {} expired sessions from {}", deleted, table);
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warn("The expired-session sweeper of {} failed ({}); it retries every round and says when it "
                        + "works again", table, e.getMessage());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
