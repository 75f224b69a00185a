package io.sessionservice.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** maxSessionsPerUser on the JDBC store: after an insert, the user's sessions past the cap newest end. */
final class PerUserCap {

    private PerUserCap() {
    }

    /**
     * Ends the user's live sessions past the {@code cap} newest: one read on the user index (skipping
     * the cap) and, when there are any, one delete of exactly those still the user's. Concurrent inserts
     * each run this after their own insert, so the last to read sees every session inserted before it.
     */
    static void endOldestPast(Connection c, String table, String userId, int cap, long now) throws SQLException {
        List<String> oldest = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT token FROM " + table
                + " WHERE user_hash = ? AND user_id = ? AND expires_at > ? ORDER BY created_at DESC, token DESC"
                + " LIMIT ? OFFSET ?")) {
            ps.setString(1, SessionRows.userHash(userId));
            ps.setString(2, SessionRows.userColumn(userId));
            ps.setLong(3, now);
            ps.setInt(4, Integer.MAX_VALUE);
            ps.setInt(5, cap);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    oldest.add(rs.getString(1));
                }
            }
        }
        if (oldest.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table
                + " WHERE user_hash = ? AND user_id = ? AND token IN ("
                + String.join(", ", Collections.nCopies(oldest.size(), "?")) + ")")) {
            ps.setString(1, SessionRows.userHash(userId));
            ps.setString(2, SessionRows.userColumn(userId));
            for (int i = 0; i < oldest.size(); i++) {
                ps.setString(3 + i, oldest.get(i));
            }
            ps.executeUpdate();
        }
    }
}
