package io.sessionservice.store.jdbc;

import io.sessionservice.core.DataSize;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.core.TokenConflictException;
import io.sessionservice.core.TouchResolution;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions in one table of PostgreSQL, MariaDB or an H2 file (layout: {@link SessionRows} and the DDL
 * files). Every read filters {@code expires_at > now} by this store's clock, so a row the sweeper has
 * not deleted yet is never seen, and nothing but {@link #insert} creates a row: the insert is one
 * statement that may only replace an expired row ({@link SqlDialect#insertSql}).
 *
 * <p>Updates are one short transaction, {@code SELECT … FOR UPDATE} then {@code UPDATE}: the data is
 * kept as its exact JSON text (numbers and key order as written), which no database's JSON merge
 * preserves, so the mutation is applied here under the row lock and concurrent patches of different
 * fields lose nothing. A touch writes only when its {@link TouchResolution} says so: on PostgreSQL in
 * one statement ({@link SqlDialect#findAndTouchSql}), elsewhere a read and, when due, an UPDATE
 * conditional on the row still being live and behind the new expiry. A rotation is one statement on
 * PostgreSQL, elsewhere one such transaction ({@link #rotate}); its grace copy is the old row marked
 * {@code rotated}, which reads see and writes skip. The README counts the statements of each operation per dialect. Failures become {@link StoreUnavailableException}.
 */
public final class JdbcSessionStore implements SessionStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSessionStore.class);

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final String table;
    private final TouchResolution touchResolution;
    private final Clock clock;
    private final List<AutoCloseable> closeWith = new CopyOnWriteArrayList<>();
    private final String insertSql;
    private final String selectLive;
    private final String findAndTouchSql;
    private final RotationStatements rotation;
    /** Until the table exists (the database was down at start-up), each operation tries to create it first. */
    private volatile boolean schemaReady;

    /**
     * A store on {@code dataSource}, whose connections it borrows per operation; the table and its
     * indexes are created when missing. {@code table} must be a plain SQL identifier.
     */
    public JdbcSessionStore(DataSource dataSource, SqlDialect dialect, String table, TouchResolution touchResolution,
                            Clock clock) {
        if (!table.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("table must be a plain SQL identifier");
        }
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.table = table;
        this.touchResolution = touchResolution;
        this.clock = clock;
        this.insertSql = dialect.insertSql(table);
        this.findAndTouchSql = dialect.findAndTouchSql(table);
        this.rotation = new RotationStatements(dialect, table);
        this.selectLive = "SELECT " + SessionRows.SELECTED + " FROM " + table + " WHERE token = ? AND expires_at > ?";
        try {
            ensureSchema();
        } catch (StoreUnavailableException e) {
            LOG.warn("The database did not answer at start-up ({}); the session table will be created on first use",
                    e.getMessage());
        }
    }

    /** Closes {@code resource} (a pool, a sweeper) when this store closes, in the order registered. */
    public JdbcSessionStore closeWith(AutoCloseable resource) {
        closeWith.add(resource);
        return this;
    }

    /** The pool the store borrows from (JdbcMeters binds its meters). */
    DataSource dataSource() {
        return dataSource;
    }

    public SqlDialect dialect() {
        return dialect;
    }

    public String table() {
        return table;
    }

    @Override
    public boolean insert(Session session, int maxSessionsPerUser) {
        long now = clock.millis();
        return call("insert", c -> {
            boolean inserted = insertRow(c, session, now);
            if (inserted && session.userId() != null && maxSessionsPerUser < Integer.MAX_VALUE) {
                PerUserCap.endOldestPast(c, table, session.userId(), maxSessionsPerUser, now);
            }
            return inserted;
        });
    }

    /** {@link SqlDialect#insertSql}: false when a live session (or a rotation's copy) holds the token. */
    private boolean insertRow(Connection c, Session session, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            int i = SessionRows.bind(ps, 1, session);
            for (int n = 0; n < dialect.insertNowParameters(); n++) {
                ps.setLong(i++, now);
            }
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            if (!dialect.isDuplicateKey(e)) {
                throw e;
            }
            return false; // a concurrent insert of the same token won
        }
    }

    @Override
    public Optional<Session> find(String token, boolean touch) {
        long now = clock.millis();
        if (touch && findAndTouchSql != null) {
            return call("touch", c -> findAndTouch(c, token, now));
        }
        return call(touch ? "touch" : "find", c -> {
            Optional<Session> found = selectLive(c, token, now, "");
            if (!touch || found.isEmpty()) {
                return found;
            }
            Session s = found.get();
            Instant slid = s.expiryAfterAccess(Instant.ofEpochMilli(now), true, touchResolution);
            if (slid.equals(s.expiresAt())) {
                return found; // within the resolution: nothing to write
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                    + " SET expires_at = ? WHERE token = ? AND expires_at > ? AND expires_at < ?")) {
                ps.setLong(1, slid.toEpochMilli());
                ps.setString(2, token);
                ps.setLong(3, now);
                ps.setLong(4, slid.toEpochMilli());
                if (ps.executeUpdate() == 1) {
                    return Optional.of(s.withExpiresAt(slid));
                }
            }
            // Ended meanwhile, or a concurrent touch slid it at least as far: read what is there now.
            return selectLive(c, token, now, "");
        });
    }

    /** {@link SqlDialect#findAndTouchSql}: the read and the due slide in one statement. */
    private Optional<Session> findAndTouch(Connection c, String token, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(findAndTouchSql)) {
            ps.setLong(1, now);
            ps.setString(2, token);
            ps.setLong(3, now);
            ps.setLong(4, now);
            ps.setLong(5, touchResolution.maxMillis());
            ps.setString(6, token);
            ps.setLong(7, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(SessionRows.read(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public Optional<Session> update(String token, Mutation mutation, boolean touch) {
        return onLockedRow("update", token, (c, current, now) -> {
            Session changed = mutation.applyTo(current) // checks the owner and size rules; throws to roll back
                    .withExpiresAt(current.expiryAfterAccess(Instant.ofEpochMilli(now), touch, touchResolution));
            if (changed.equals(current)) {
                return current; // nothing to write (records compare data by value)
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                    + " SET user_hash = ?, user_id = ?, data = ?, data_bytes = ?, expires_at = ? WHERE token = ?")) {
                ps.setString(1, SessionRows.userHash(changed.userId()));
                ps.setString(2, SessionRows.userColumn(changed.userId()));
                ps.setString(3, SessionRows.json(changed.data()));
                ps.setLong(4, DataSize.of(changed.data()));
                ps.setLong(5, changed.expiresAt().toEpochMilli());
                ps.setString(6, token);
                ps.executeUpdate();
            }
            return changed;
        });
    }

    @Override
    public boolean delete(String token) {
        long now = clock.millis();
        return call("delete", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE token = ? AND expires_at > ?"
                    + SessionRows.WRITABLE)) {
                ps.setString(1, token);
                ps.setLong(2, now);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * On PostgreSQL one statement ({@link SqlDialect#rotateSql}); elsewhere one transaction: the live
     * session's row is read under its lock (so of concurrent rotations one reads it and the others, waiting
     * on the lock, then find it gone or a copy), inserted under the new token by the insert that may only
     * replace an expired row, then deleted or turned into the grace's read-only copy. The user index is
     * the row's own user_hash column, so it follows the new row.
     */
    @Override
    public Optional<Session> rotate(String token, String newToken, Instant oldUntil) {
        if (rotation.isOneStatement()) {
            long now = clock.millis();
            return call("rotate", c -> rotation.inOneStatement(c, token, newToken, oldUntil, now));
        }
        return onLockedRow("rotate", token, (c, current, now) -> {
            Session moved = current.withToken(newToken);
            if (!insertRow(c, moved, now)) {
                throw new TokenConflictException(); // rolls back: the old session stays as it was
            }
            rotation.endOldRow(c, token, oldUntil, now);
            return moved;
        });
    }

    @Override
    public List<Session> findByUser(String userId, PageStart start, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        long now = clock.millis();
        // A range scan of the user index in its own order (see PageStart.pageOf).
        int fetch = start.fetchSize(limit);
        List<Session> found = call("findByUser", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SessionRows.SELECTED + " FROM " + table
                    + " WHERE user_hash = ? AND user_id = ? AND expires_at > ? AND created_at <= ?"
                    + " ORDER BY created_at DESC, token DESC LIMIT ?")) {
                ps.setString(1, SessionRows.userHash(userId));
                ps.setString(2, SessionRows.userColumn(userId));
                ps.setLong(3, now);
                ps.setLong(4, start.createdAtMillis());
                ps.setInt(5, fetch);
                List<Session> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(SessionRows.read(rs));
                    }
                }
                return rows;
            }
        });
        return start.pageOf(found, limit);
    }

    @Override
    public int deleteByUser(String userId) {
        long now = clock.millis();
        return call("deleteByUser", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table
                    + " WHERE user_hash = ? AND user_id = ? AND expires_at > ?")) {
                ps.setString(1, SessionRows.userHash(userId));
                ps.setString(2, SessionRows.userColumn(userId));
                ps.setLong(3, now);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void ping() {
        call("ping", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1"); ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }

    /**
     * Live sessions, grace copies left out, counted on the expiry index, which holds {@code rotated} too
     * (a range scan of the index alone); empty while the database does not answer.
     */
    @Override
    public OptionalLong liveCount() {
        long now = clock.millis();
        try {
            return OptionalLong.of(call("count", c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE expires_at > ?"
                        + SessionRows.WRITABLE)) {
                    ps.setLong(1, now);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            }));
        } catch (StoreUnavailableException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() {
        for (AutoCloseable resource : closeWith) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("Closing {} of the JDBC store failed: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
    }

    // ---- plumbing ----

    private Optional<Session> selectLive(Connection c, String token, long now, String lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(selectLive + lock)) {
            ps.setString(1, token);
            ps.setLong(2, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(SessionRows.read(rs)) : Optional.empty();
            }
        }
    }

    interface RowWork {
        Session run(Connection c, Session locked, long now) throws SQLException;
    }

    /**
     * One transaction: the live, writable session's row read under its lock ({@code SELECT … FOR UPDATE},
     * which re-checks the row after a wait for the lock), then {@code work} on it; empty when there is none.
     */
    private Optional<Session> onLockedRow(String operation, String token, RowWork work) {
        long now = clock.millis();
        return call(operation, c -> Transactions.inTransaction(c, () -> {
            Optional<Session> found = selectLive(c, token, now, SessionRows.WRITABLE + " FOR UPDATE");
            return found.isEmpty() ? found : Optional.of(work.run(c, found.get(), now));
        }));
    }

    interface ConnectionWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} on a pooled connection, creating the table first while it is missing. */
    private <T> T call(String operation, ConnectionWork<T> work) {
        if (!schemaReady) {
            ensureSchema();
        }
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw JdbcFailures.unavailable(operation, e);
        }
    }

    private void ensureSchema() {
        try {
            Schema.ensure(dataSource, dialect, table);
            schemaReady = true;
        } catch (SQLException e) {
            throw JdbcFailures.unavailable("schema", e);
        }
    }
}
