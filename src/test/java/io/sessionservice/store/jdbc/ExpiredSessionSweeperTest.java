package io.sessionservice.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import io.sessionservice.core.Session;
import io.sessionservice.core.Tokens;
import io.sessionservice.core.TouchResolution;
import io.sessionservice.store.TestClock;
import io.sessionservice.testing.FreePorts;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The sweeper on each database, on a table of its own, with time moved by a {@link TestClock} (the
 * rows' expiry is judged by the service's clock, so nothing sleeps): it deletes expired rows in bounded
 * batches, keeps live ones, and skips its round while another instance holds the table's lock.
 */
class ExpiredSessionSweeperTest {

    private final TestClock clock = new TestClock();

    static Stream<JdbcTestDatabase> databases() {
        return Stream.of(JdbcTestDatabase.POSTGRES, JdbcTestDatabase.MARIADB, JdbcTestDatabase.h2File());
    }

    @ParameterizedTest
    @MethodSource("databases")
    void deletesExpiredRowsInBoundedBatchesAndKeepsLiveOnes(JdbcTestDatabase database) throws Exception {
        try (Fixture f = new Fixture(database)) {
            List<Session> live = f.insert(5, 600);
            f.insert(25, 10);
            clock.advanceSeconds(10); // expiresAt itself is past
            ExpiredSessionSweeper sweeper = f.sweeper(10, 2);
            assertEquals(20, sweeper.sweepOnce(), "two batches of ten, then the round stops");
            assertEquals(10, f.rows());
            assertEquals(5, sweeper.sweepOnce());
            assertEquals(0, sweeper.sweepOnce());
            assertEquals(5, f.rows());
            for (Session s : live) {
                assertTrue(f.store.find(s.token(), false).isPresent());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void whileAnotherInstanceHoldsTheLockARoundSweepsNothing(JdbcTestDatabase database) throws Exception {
        try (Fixture f = new Fixture(database)) {
            f.insert(3, 10);
            clock.advanceSeconds(11);
            ExpiredSessionSweeper first = f.sweeper(100, 10);
            ExpiredSessionSweeper second = f.sweeper(100, 10);
            try (Connection other = database.connect()) { // another instance, mid-round, on its own connection
                assertTrue(database.dialect().tryLock(other, first.lockName()));
                assertEquals(0, first.sweepOnce());
                assertEquals(0, second.sweepOnce());
                assertEquals(3, f.rows());
                database.dialect().unlock(other, first.lockName());
            }
            assertEquals(3, second.sweepOnce());
            assertEquals(0, f.rows());
        }
    }

    @Test
    void theScheduledSweeperRunsOnItsThreadUntilClosed() throws Exception {
        try (Fixture f = new Fixture(JdbcTestDatabase.h2File())) {
            f.insert(4, 10);
            clock.advanceSeconds(11);
            try (ExpiredSessionSweeper sweeper = f.sweeper(100, 10).start(Duration.ofMillis(20))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (f.rows() > 0 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertEquals(0, f.rows());
            }
        }
    }

    @Test
    void anOutageIsLoggedOnceNotEveryRound() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ExpiredSessionSweeper.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        JdbcTestDatabase nowhere = new JdbcTestDatabase(
                "jdbc:postgresql://127.0.0.1:" + FreePorts.freePort() + "/test", "postgres", null);
        try (HikariDataSource pool = JdbcPool.open(nowhere.url(), "postgres", null, 1, Duration.ofMillis(300),
                nowhere.dialect())) {
            ExpiredSessionSweeper sweeper = new ExpiredSessionSweeper(pool, nowhere.dialect(), "nowhere", clock, 10, 1);
            for (int round = 0; round < 3; round++) {
                sweeper.scheduledRound();
            }
            assertEquals(List.of(Level.WARN), events.list.stream().map(ILoggingEvent::getLevel).toList());
            assertFalse(events.list.get(0).getFormattedMessage().contains("Connection to"),
                    "the driver's text stays out: " + events.list.get(0).getFormattedMessage());
        } finally {
            logger.detachAppender(events);
        }
    }

    /** A pool, a store and a fresh table on one database; drops the table when closed. */
    private final class Fixture implements AutoCloseable {
        final JdbcTestDatabase database;
        final String table = JdbcTestDatabase.newTable("sweep");
        final HikariDataSource pool;
        final JdbcSessionStore store;
        final List<ExpiredSessionSweeper> sweepers = new ArrayList<>();

        Fixture(JdbcTestDatabase database) {
            this.database = database;
            this.pool = JdbcPool.open(database.url(), database.username(), database.password(), 4,
                    Duration.ofSeconds(2), database.dialect());
            this.store = new JdbcSessionStore(pool, database.dialect(), table, TouchResolution.DEFAULT, clock);
        }

        List<Session> insert(int count, long ttl) {
            List<Session> made = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Instant now = clock.instant();
                Session s = new Session(Tokens.issue(), null, io.sessionservice.core.Json.MAPPER.createObjectNode(),
                        now, now.plusSeconds(ttl), ttl, false);
                assertTrue(store.insert(s));
                made.add(s);
            }
            return made;
        }

        ExpiredSessionSweeper sweeper(int batch, int maxBatches) {
            ExpiredSessionSweeper s = new ExpiredSessionSweeper(pool, database.dialect(), table, clock, batch, maxBatches);
            sweepers.add(s);
            return s;
        }

        int rows() throws Exception {
            try (Connection c = pool.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                return rs.getInt(1);
            }
        }

        @Override
        public void close() {
            sweepers.forEach(ExpiredSessionSweeper::close);
            store.close();
            pool.close();
            database.drop(table);
        }
    }
}
