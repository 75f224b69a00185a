package io.sessionservice.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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

    /** The JDBC driver class of the dialect's database. */
    public static String driverClassName(SqlDialect dialect) {
        return switch (dialect.name()) {
            case "postgresql" -> "org.postgresql.Driver";
            case "mariadb" -> "org.mariadb.jdbc.Driver";
            default -> "org.h2.Driver";
        };
    }

    public static HikariDataSource open(String url, String username, String password, int poolSize,
                                        Duration timeout, SqlDialect dialect) {
        long ms = Math.max(MIN_TIMEOUT_MS, timeout.toMillis());
        HikariConfig config = new HikariConfig();
        config.setPoolName("session-store-jdbc");
        config.setJdbcUrl(url);
        // By class name, not through DriverManager: in a container DriverManager registers only the drivers its
        // first user could see (Tomcat's leak-prevention listener, another webapp), never this WEB-INF/lib's.
        config.setDriverClassName(driverClassName(dialect));
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(ms);
        config.setValidationTimeout(Math.max(MIN_TIMEOUT_MS, ms / 2));
        config.setInitializationFailTimeout(-1); // start without the database; connect when it answers
        config.setConnectionInitSql(dialect.connectionInitSql(ms));
        dialect.driverProperties(ms).forEach(config::addDataSourceProperty);
        PoolThreads threads = new PoolThreads();
        config.setThreadFactory(threads);
        OPEN.incrementAndGet();
        return new Pool(config, threads);
    }

    /** Pools open in this class loader (a webapp's, or the filter's library). */
    private static final AtomicInteger OPEN = new AtomicInteger();

    /**
     * A HikariCP pool whose {@link #close} also waits for its threads and, when it was the last pool of this
     * class loader, deregisters the drivers that loader registered, however it is closed (the store, a
     * test's try-with-resources). A driver loading from WEB-INF/lib registers itself with the JVM-wide
     * DriverManager, which would then hold the undeployed webapp's class loader (Tomcat reports it as a
     * leak; Jetty just keeps it); a driver from the container's own lib belongs to another loader and
     * is left alone.
     */
    private static final class Pool extends HikariDataSource {
        private final PoolThreads threads;
        private final AtomicBoolean released = new AtomicBoolean();

        Pool(HikariConfig config, PoolThreads threads) {
            super(config);
            this.threads = threads;
        }

        @Override
        public void close() {
            super.close();
            if (released.compareAndSet(false, true)) {
                threads.join(Duration.ofSeconds(5));
                if (OPEN.decrementAndGet() == 0) {
                    deregisterDrivers(JdbcPool.class.getClassLoader());
                }
            }
        }
    }

    private static void deregisterDrivers(ClassLoader loader) {
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() == loader) {
                try {
                    DriverManager.deregisterDriver(driver);
                } catch (SQLException | SecurityException e) {
                    // left registered: a leak warning at undeploy, nothing worse
                }
            }
        }
    }

    /**
     * The pool's threads (housekeeper, connection adder and closer), so that closing can wait for them:
     * HikariCP's close returns while its connection closer may still run, and a container checks at
     * undeploy that no thread of the webapp is left.
     */
    private static final class PoolThreads implements ThreadFactory {
        private final List<Thread> started = new CopyOnWriteArrayList<>();

        @Override
        public Thread newThread(Runnable task) {
            Thread t = new Thread(task, "session-store-jdbc-pool");
            t.setDaemon(true);
            started.add(t);
            return t;
        }

        void join(Duration most) {
            long deadline = System.nanoTime() + most.toNanos();
            for (Thread t : started) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    t.join(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
