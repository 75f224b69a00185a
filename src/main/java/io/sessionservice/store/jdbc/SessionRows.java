package io.sessionservice.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.DataSize;
import io.sessionservice.core.Digests;
import io.sessionservice.core.Json;
import io.sessionservice.core.Session;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The row of one session (see the DDL files next to this class): the data as its exact JSON text (a
 * jsonb or JSON column would renumber or reorder it), the owner beside the SHA-256 of the owner (hex),
 * which the per-user index keys on whatever the user id's length, and times as epoch milliseconds.
 * {@code lifetime_end} is a capped sliding session's cap (null: uncapped); {@code rotated} marks the
 * read-only copy a rotation with grace leaves under the old token: never sliding, and with no
 * {@code user_hash}, so no query of the user index meets it, while {@code user_id} still names its owner.
 */
final class SessionRows {

    static final List<String> COLUMN_LIST = List.of("token", "user_hash", "user_id", "data", "data_bytes",
            "created_at", "ttl_sec", "sliding", "lifetime_end", "rotated", "expires_at");
    static final String COLUMNS = String.join(", ", COLUMN_LIST);
    static final String PLACEHOLDERS = String.join(", ", COLUMN_LIST.stream().map(c -> "?").toList());
    /** The columns an insert may overwrite in a row whose session expired: all but the token, expires_at last. */
    static final List<String> REPLACED = COLUMN_LIST.subList(1, COLUMN_LIST.size());
    /** What reads select, in the order {@link #read} takes it. */
    static final String SELECTED = "token, user_id, data, created_at, expires_at, ttl_sec, sliding, lifetime_end";
    /** What writes, deletes and rotations act on: not a rotation's read-only copy (reads see both). */
    static final String WRITABLE = " AND NOT rotated";

    private SessionRows() {
    }

    /**
     * What a rotation does to the old row once the new one is written: with grace, makes it the read-only
     * copy, never sliding, out of the user index, ending at min(its expiry, the grace's end); else deletes
     * it. Parameters: the grace's end (epoch ms) when {@code grace}, then the old token.
     */
    static String endRotatedRowSql(String table, boolean grace) {
        return grace
                ? "UPDATE " + table + " SET rotated = TRUE, sliding = FALSE, user_hash = NULL, expires_at = LEAST(expires_at, ?)"
                        + " WHERE token = ?"
                : "DELETE FROM " + table + " WHERE token = ?";
    }

    /** {@code column = <value of column>} for each of {@link #REPLACED}, comma-separated. */
    static String assignments(java.util.function.UnaryOperator<String> value) {
        return String.join(", ", REPLACED.stream().map(c -> c + " = " + value.apply(c)).toList());
    }

    /** Runs a one-row, one-column query with one parameter whose answer is true or 1 (lock functions). */
    static boolean queryTrue(java.sql.Connection c, String sql, Object parameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }

    /** Binds the columns of {@link #COLUMNS} from parameter {@code first}; returns the next parameter index. */
    static int bind(PreparedStatement ps, int first, Session s) throws SQLException {
        String data = json(s.data());
        int i = first;
        ps.setString(i++, s.token());
        ps.setString(i++, userHash(s.userId()));
        ps.setString(i++, userColumn(s.userId()));
        ps.setString(i++, data);
        ps.setLong(i++, DataSize.of(s.data()));
        ps.setLong(i++, s.createdAt().toEpochMilli());
        ps.setLong(i++, s.ttlSeconds());
        ps.setBoolean(i++, s.sliding());
        if (s.lifetimeEnd() == null) {
            ps.setNull(i++, Types.BIGINT);
        } else {
            ps.setLong(i++, s.lifetimeEnd().toEpochMilli());
        }
        ps.setBoolean(i++, false); // only a rotation makes a read-only copy, by an UPDATE
        ps.setLong(i++, s.expiresAt().toEpochMilli());
        return i;
    }

    static Session read(ResultSet rs) throws SQLException {
        ObjectNode data;
        try {
            data = (ObjectNode) Json.MAPPER.readTree(rs.getString(3));
        } catch (JsonProcessingException | ClassCastException e) {
            throw new SQLException("a session row holds no JSON object", "22000", e);
        }
        long capMillis = rs.getLong(8);
        Instant lifetimeEnd = rs.wasNull() ? null : Instant.ofEpochMilli(capMillis); // wasNull: of the last column read
        return new Session(rs.getString(1), userIdOf(rs.getString(2)), data, Instant.ofEpochMilli(rs.getLong(4)),
                Instant.ofEpochMilli(rs.getLong(5)), rs.getLong(6), rs.getBoolean(7), lifetimeEnd);
    }

    /**
     * A user id as the {@code user_id} column holds it: any string is a user id, but PostgreSQL's text
     * refuses NUL (SQLState 22021), so NUL is kept as {@code \0} and a backslash as {@code \\} (the same on
     * every database, so a table reads the same whichever wrote it; ids without either are unchanged).
     */
    static String userColumn(String userId) {
        if (userId == null || (userId.indexOf('\0') < 0 && userId.indexOf('\\') < 0)) {
            return userId;
        }
        return userId.replace("\\", "\\\\").replace("\0", "\\0");
    }

    /** The inverse of {@link #userColumn}. */
    static String userIdOf(String column) {
        if (column == null || column.indexOf('\\') < 0) {
            return column;
        }
        StringBuilder id = new StringBuilder(column.length());
        for (int i = 0; i < column.length(); i++) {
            char c = column.charAt(i);
            if (c == '\\' && i + 1 < column.length()) {
                char next = column.charAt(++i);
                id.append(next == '0' ? '\0' : next);
            } else {
                id.append(c);
            }
        }
        return id.toString();
    }

    /** The hex SHA-256 of a user id, the key of the per-user index; null for a session without owner. */
    static String userHash(String userId) {
        return userId == null ? null : HexFormat.of().formatHex(Digests.sha256(userId));
    }

    static String json(ObjectNode data) {
        try {
            return Json.MAPPER.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unserialisable session data", e);
        }
    }
}
