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
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The row of one session (see the DDL files next to this class): the data as its exact JSON text (a
 * jsonb or JSON column would renumber or reorder it), the owner beside the SHA-256 of the owner (hex),
 * which the per-user index keys on whatever the user id's length, and times as epoch milliseconds.
 */
final class SessionRows {

    static final List<String> COLUMN_LIST = List.of("token", "user_hash", "user_id", "data", "data_bytes",
            "created_at", "ttl_sec", "sliding", "expires_at");
    static final String COLUMNS = String.join(", ", COLUMN_LIST);
    static final String PLACEHOLDERS = String.join(", ", COLUMN_LIST.stream().map(c -> "?").toList());
    /** The columns an insert may overwrite in a row whose session expired: all but the token, expires_at last. */
    static final List<String> REPLACED = COLUMN_LIST.subList(1, COLUMN_LIST.size());
    /** What reads select, in the order {@link #read} takes it. */
    static final String SELECTED = "token, user_id, data, created_at, expires_at, ttl_sec, sliding";

    private SessionRows() {
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
        ps.setString(i++, s.userId());
        ps.setString(i++, data);
        ps.setLong(i++, DataSize.of(s.data()));
        ps.setLong(i++, s.createdAt().toEpochMilli());
        ps.setLong(i++, s.ttlSeconds());
        ps.setBoolean(i++, s.sliding());
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
        return new Session(rs.getString(1), rs.getString(2), data, Instant.ofEpochMilli(rs.getLong(4)),
                Instant.ofEpochMilli(rs.getLong(5)), rs.getLong(6), rs.getBoolean(7));
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
