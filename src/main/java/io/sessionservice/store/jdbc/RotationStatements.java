package io.sessionservice.store.jdbc;

import io.sessionservice.core.Session;
import io.sessionservice.core.TokenConflictException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The statements of {@link JdbcSessionStore#rotate}: the whole rotation in one where the dialect has it
 * ({@link SqlDialect#rotateSql}), else the last step of the store's transaction, which ends the old row.
 */
final class RotationStatements {

    private final String table;
    private final String oneStatement;
    private final String oneStatementWithGrace;

    RotationStatements(SqlDialect dialect, String table) {
        this.table = table;
        this.oneStatement = dialect.rotateSql(table, false);
        this.oneStatementWithGrace = dialect.rotateSql(table, true);
    }

    boolean isOneStatement() {
        return oneStatement != null;
    }

    /** The rotation in {@link SqlDialect#rotateSql}, run in auto-commit: one statement is atomic. */
    Optional<Session> inOneStatement(Connection c, String token, String newToken, Instant oldUntil, long now)
            throws SQLException {
        boolean grace = isGrace(oldUntil, now);
        try (PreparedStatement ps = c.prepareStatement(grace ? oneStatementWithGrace : oneStatement)) {
            ps.setString(1, token);
            ps.setLong(2, now);
            ps.setString(3, newToken);
            ps.setLong(4, now);
            bindEnd(ps, 5, grace, oldUntil, token);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                if (rs.getString(1) == null) {
                    throw new TokenConflictException(); // the new token is live: the statement wrote nothing
                }
                return Optional.of(SessionRows.read(rs));
            }
        }
    }

    /** Deletes the old row, or with grace makes it the read-only copy ({@link SessionRows#endRotatedRowSql}). */
    void endOldRow(Connection c, String token, Instant oldUntil, long now) throws SQLException {
        boolean grace = isGrace(oldUntil, now);
        try (PreparedStatement ps = c.prepareStatement(SessionRows.endRotatedRowSql(table, grace))) {
            bindEnd(ps, 1, grace, oldUntil, token);
            ps.executeUpdate();
        }
    }

    private static boolean isGrace(Instant oldUntil, long now) {
        return oldUntil != null && oldUntil.toEpochMilli() > now;
    }

    private static void bindEnd(PreparedStatement ps, int first, boolean grace, Instant oldUntil, String token)
            throws SQLException {
        int i = first;
        if (grace) {
            ps.setLong(i++, oldUntil.toEpochMilli());
        }
        ps.setString(i, token);
    }
}
