package io.sessionservice.store.jdbc;

import io.sessionservice.config.JdbcSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

/**
 * A database the JDBC store tests run on: the machine's PostgreSQL and MariaDB (database {@code test})
 * or an H2 file in a temporary directory. Each user of it takes a table of its own
 * ({@link #newTable}), so runs in parallel (other checkouts, other test classes) never meet, and
 * drops it afterwards.
 */
public record JdbcTestDatabase(String url, String username, String password) {

    public static final JdbcTestDatabase POSTGRES =
            new JdbcTestDatabase("jdbc:postgresql://127.0.0.1:5432/test", "postgres", null);
    public static final JdbcTestDatabase MARIADB =
            new JdbcTestDatabase("jdbc:mariadb://127.0.0.1:3306/test", "root", null);

    /** An H2 file database in a new temporary directory. */
    public static JdbcTestDatabase h2File() {
        try {
            Path dir = Files.createTempDirectory("session-store-h2");
            return new JdbcTestDatabase("jdbc:h2:file:" + dir.resolve("sessions"), "sa", null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A fresh table name: {@code <prefix>_<random>}. */
    public static String newTable(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Store settings on this database and {@code table}, with the tests' 2 s timeout. */
    public JdbcSettings settings(String table) {
        return new JdbcSettings(url, username, password, 4, table, Duration.ofSeconds(2), Duration.ofSeconds(60), 1000);
    }

    public SqlDialect dialect() {
        return SqlDialect.forUrl(url);
    }

    /** A connection of its own, outside any pool of a store. */
    public Connection connect() throws SQLException {
        try {
            // registers the driver: after an embedded container ran in this JVM, DriverManager may not find it by itself
            Class.forName(dialect().driverClassName());
        } catch (ClassNotFoundException e) {
            throw new SQLException("no JDBC driver " + dialect().driverClassName() + " on the class path", e);
        }
        return DriverManager.getConnection(url, username, password);
    }

    public void drop(String table) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop " + table, e);
        }
    }
}
