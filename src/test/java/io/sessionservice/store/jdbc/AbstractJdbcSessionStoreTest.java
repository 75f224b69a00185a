package io.sessionservice.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionservice.core.Session;
import io.sessionservice.core.TouchResolution;
import io.sessionservice.store.SessionStoreContract;
import io.sessionservice.store.SessionStores;
import io.sessionservice.store.TestClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract (and the bounds contract it includes) on one database, plus what is particular
 * to the JDBC store: expired rows stay invisible until swept, the table is created idempotently, and
 * the rows hold the exact JSON text and the owner's hash.
 */
abstract class AbstractJdbcSessionStoreTest extends SessionStoreContract {

    /** The table of each concrete class, created by its first store and dropped after its tests. */
    private static final Map<Class<?>, Table> TABLES = new ConcurrentHashMap<>();

    private record Table(JdbcTestDatabase database, String name) {
    }

    /** The database of this class; called once per class. */
    protected abstract JdbcTestDatabase openDatabase();

    protected final JdbcTestDatabase database() {
        return table(getClass()).database();
    }

    protected final String table() {
        return table(getClass()).name();
    }

    private Table table(Class<?> testClass) {
        return TABLES.computeIfAbsent(testClass, c -> new Table(openDatabase(),
                JdbcTestDatabase.newTable("sessions_" + c.getSimpleName().replace("SessionStoreTest", "").toLowerCase())));
    }

    /** Test classes run one after the other (surefire runs no classes in parallel here). */
    @AfterAll
    static void dropTables() {
        TABLES.values().forEach(t -> t.database().drop(t.name()));
        TABLES.clear();
    }

    @Override
    protected JdbcSessionStore openStore(TestClock clock, TouchResolution touch) {
        return SessionStores.jdbc(database().settings(table()), touch, clock);
    }

    private JdbcSessionStore jdbcStore() {
        return (JdbcSessionStore) store;
    }

    @Test
    void theDialectFollowsTheUrl() {
        assertEquals(database().dialect().name(), jdbcStore().dialect().name());
    }

    @Test
    void anExpiredRowStaysInTheTableButIsNeverSeenOrReplacedByAnUpdate() throws Exception {
        Session s = session(user(), 10, true);
        assertTrue(store.insert(s));
        advance(Duration.ofSeconds(10));
        assertTrue(store.find(s.token(), true).isEmpty());
        assertEquals(1, rowsWithToken(s.token()), "the row is there until the sweeper deletes it");
        assertFalse(store.delete(s.token()), "deleting an expired session ends nothing");
    }

    @Test
    void theRowHoldsTheExactJsonTextAndTheOwnersHash() throws Exception {
        String owner = user();
        Session s = new Session(io.sessionservice.core.Tokens.issue(), owner,
                json("{\"AccountId\":\"" + owner + "\",\"n\":1.50,\"big\":123456789012345678901234567890}"),
                clock.instant(), clock.instant().plusSeconds(60), 60, true);
        assertTrue(store.insert(s));
        try (Connection c = database().connect();
             PreparedStatement ps = c.prepareStatement("SELECT data, user_hash, user_id FROM " + table() + " WHERE token = ?")) {
            ps.setString(1, s.token());
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("{\"AccountId\":\"" + owner + "\",\"n\":1.50,\"big\":123456789012345678901234567890}",
                        rs.getString(1));
                assertEquals(SessionRows.userHash(owner), rs.getString(2).trim());
                assertEquals(64, rs.getString(2).trim().length());
                assertEquals(owner, rs.getString(3));
            }
        }
    }

    @Test
    void openingTheStoreAgainOnTheSameTableKeepsItsSessions() throws Exception {
        Session s = stored(user());
        try (JdbcSessionStore again = openStore(clock, TouchResolution.DEFAULT)) {
            assertEquals(s.expiresAt(), again.find(s.token(), false).orElseThrow().expiresAt());
        }
    }

    @Test
    void aTableNameThatIsNoIdentifierIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new JdbcSessionStore(
                null, database().dialect(), "sessions; DROP TABLE x", TouchResolution.DEFAULT, clock));
    }

    protected int rowsWithToken(String token) throws Exception {
        try (Connection c = database().connect();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table() + " WHERE token = ?")) {
            ps.setString(1, token);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
