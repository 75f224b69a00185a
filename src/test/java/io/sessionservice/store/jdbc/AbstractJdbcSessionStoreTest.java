package io.sessionservice.store.jdbc;

import static io.sessionservice.testing.TestSessions.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionservice.core.Session;
import io.sessionservice.core.TokenConflictException;
import io.sessionservice.core.TouchResolution;
import io.sessionservice.store.SessionStoreContract;
import io.sessionservice.store.SessionStores;
import io.sessionservice.store.TestClock;
import io.sessionservice.core.Tokens;
import io.sessionservice.store.TokensAtRestContract;
import io.sessionservice.testing.Concurrently;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract (and the bounds contract it includes) on one database, plus what is particular
 * to the JDBC store: expired rows stay invisible until swept, the table is created idempotently (and a
 * table of the layout before issue 13 gains its columns and the expiry index with rotated), the rows
 * hold the exact JSON text and the owner's hash, a rotation's grace copy is the old row marked rotated,
 * out of the user index and the live count, a rotation may take the token of an expired row, and of
 * racing rotations with grace one wins; with tokens.atRest hashed, the table (read with plain JDBC)
 * holds no token in the clear.
 */
abstract class AbstractJdbcSessionStoreTest extends SessionStoreContract implements TokensAtRestContract {

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
        Session s = new Session(Tokens.issue(), owner,
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
    void aTableFromBeforeTheLifetimeCapGainsItsColumnsAndIndexAndItsSessionsRotate() throws Exception {
        String older = JdbcTestDatabase.newTable("sessions_v1");
        String createTable = Schema.statements(database().dialect(), older).get(0);
        String before = createTable.lines().filter(l -> !l.contains("lifetime_end") && !l.contains("rotated"))
                .collect(Collectors.joining("\n"));
        assertTrue(createTable.contains("lifetime_end") && !before.contains("lifetime_end") && !before.contains("rotated"));
        String owner = user();
        String token = Tokens.issue();
        long now = clock.millis();
        try (Connection c = database().connect(); Statement st = c.createStatement()) {
            st.execute(before);
            st.execute("CREATE INDEX " + older + "_by_expiry ON " + older + " (expires_at)");
            assertTrue(Schema.indexNames(c, older).contains(older + "_by_expiry"));
            st.execute("INSERT INTO " + older + " (token, user_hash, user_id, data, data_bytes, created_at, ttl_sec, sliding,"
                    + " expires_at) VALUES ('" + token + "', '" + SessionRows.userHash(owner) + "', '" + owner + "', '{}', 2, "
                    + now + ", 60, TRUE, " + (now + 60_000) + ")");
        }
        try (JdbcSessionStore upgraded = openStore(older)) {
            try (Connection c = database().connect()) {
                Set<String> indexes = Schema.indexNames(c, older);
                assertTrue(indexes.contains(older + "_expiry_rotated") && !indexes.contains(older + "_by_expiry"),
                        "the expiry index with rotated replaces the older one: " + indexes);
            }
            Session found = upgraded.find(token, false).orElseThrow();
            assertEquals(null, found.lifetimeEnd(), "a session of the older layout is uncapped");
            String next = Tokens.issue();
            assertTrue(upgraded.rotate(token, next, clock.instant().plusSeconds(5)).isPresent());
            assertEquals(owner, upgraded.find(token, false).orElseThrow().userId(), "the grace copy");
            assertEquals(List.of(next), upgraded.findByUser(owner).stream().map(Session::token).toList());
        } finally {
            database().drop(older);
        }
    }

    @Test
    void aGraceCopyIsTheOldRowMarkedRotatedAndOutOfTheUserIndex() throws Exception {
        String owner = user();
        Session s = stored(owner);
        String next = Tokens.issue();
        store.rotate(s.token(), next, clock.instant().plusSeconds(30)).orElseThrow();
        try (Connection c = database().connect();
             PreparedStatement ps = c.prepareStatement("SELECT token, rotated, user_hash, user_id, sliding FROM " + table()
                     + " WHERE token IN (?, ?) ORDER BY rotated")) {
            ps.setString(1, s.token());
            ps.setString(2, next);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(next, rs.getString(1));
                assertFalse(rs.getBoolean(2));
                assertEquals(SessionRows.userHash(owner), rs.getString(3).trim());
                assertTrue(rs.next());
                assertEquals(s.token(), rs.getString(1));
                assertTrue(rs.getBoolean(2));
                assertEquals(null, rs.getString(3), "no user_hash: no query of the user index meets the copy");
                assertEquals(owner, rs.getString(4));
                assertFalse(rs.getBoolean(5));
                assertFalse(rs.next());
            }
        }
    }

    @Test
    void theLiveCountLeavesGraceCopiesOut() throws Exception {
        long before = store.liveCount().orElseThrow(); // this class's table: other tests' sessions too
        Session s = stored(user());
        assertEquals(before + 1, store.liveCount().orElseThrow());
        store.rotate(s.token(), Tokens.issue(), clock.instant().plusSeconds(30)).orElseThrow();
        assertTrue(store.find(s.token(), false).isPresent(), "the grace copy is live");
        assertEquals(before + 1, store.liveCount().orElseThrow(), "one session, counted once");
    }

    @Test
    void aRotationOntoTheTokenOfAnExpiredRowReplacesThatRow() throws Exception {
        Session expired = session(user(), 10, false);
        assertTrue(store.insert(expired));
        advance(Duration.ofSeconds(10));
        String owner = user();
        Session s = stored(owner);
        Session moved = store.rotate(s.token(), expired.token(), null).orElseThrow();
        assertEquals(s.data(), store.find(expired.token(), false).orElseThrow().data());
        assertEquals(s.expiresAt(), moved.expiresAt());
        assertEquals(1, rowsWithToken(expired.token()));
        assertEquals(List.of(expired.token()), tokens(store.findByUser(owner)));
        assertTrue(store.findByUser(expired.userId()).isEmpty());
    }

    /** The contract refuses one rotation without grace; this, with and without grace, and the user index untouched. */
    @Test
    void aRotationOntoALiveTokenWritesNothing() throws Exception {
        String owner = user();
        Session s = stored(owner);
        Session other = stored(user());
        for (Instant until : new Instant[] {null, clock.instant().plusSeconds(30)}) {
            assertThrows(TokenConflictException.class, () -> store.rotate(s.token(), other.token(), until));
            assertEquals(s, store.find(s.token(), false).orElseThrow());
            assertEquals(List.of(s.token()), tokens(store.findByUser(owner)));
            assertEquals(other, store.find(other.token(), false).orElseThrow());
        }
    }

    /** The contract races rotations without grace; with grace the losers meet the row made a copy. */
    @Test
    void ofConcurrentRotationsWithGraceExactlyOneWins() throws Exception {
        String owner = user();
        Session s = stored(owner);
        ConcurrentLinkedQueue<String> won = new ConcurrentLinkedQueue<>();
        Concurrently.run(8, i -> store.rotate(s.token(), Tokens.issue(),
                clock.instant().plusSeconds(30)).ifPresent(moved -> won.add(moved.token())));
        assertEquals(1, won.size());
        assertEquals(List.copyOf(won), tokens(store.findByUser(owner)));
        assertEquals(s.data(), store.find(s.token(), false).orElseThrow().data(), "the copy");
        assertEquals(2, rowsWhere("user_id", owner), "the session and one copy");
    }

    private JdbcSessionStore openStore(String otherTable) {
        return SessionStores.jdbc(database().settings(otherTable), TouchResolution.DEFAULT, clock);
    }

    @Test
    void aTableNameThatIsNoIdentifierIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new JdbcSessionStore(
                null, database().dialect(), "sessions; DROP TABLE x", TouchResolution.DEFAULT, clock));
    }

    // ---- tokens at rest (TokensAtRestContract) ----

    @Override
    public TestClock testClock() {
        return clock;
    }

    /** Every row of this class's table, every column as text, read with plain JDBC past the store. */
    @Override
    public String rawContent(String userId, List<String> storageKeys) throws Exception {
        StringBuilder raw = new StringBuilder();
        try (Connection c = database().connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + table())) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    raw.append(rs.getMetaData().getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
                }
                raw.append('\n');
            }
        }
        return raw.toString();
    }

    protected int rowsWithToken(String token) throws Exception {
        return rowsWhere("token", token);
    }

    private int rowsWhere(String column, String value) throws Exception {
        try (Connection c = database().connect();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table() + " WHERE " + column + " = ?")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
