package io.sessionservice.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The table and indexes of the JDBC store, from the DDL file shipped for each database
 * ({@code io/sessionservice/store/jdbc/<dialect>.sql}, the same text a DBA applies by hand), with the
 * configured table name in place of {@code sessions}. Every statement is IF NOT EXISTS, so running it
 * at each start is harmless; columns added since the first layout come by ALTER TABLE, run only where missing,
 * and index statements run only where the index list says they have something to do.
 */
final class Schema {

    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);
    /** The table name in the DDL files, also as the prefix of the index names (index names are per schema). */
    private static final Pattern TABLE_NAME = Pattern.compile("\\bsessions(?=\\b|_)");

    /**
     * The column an {@code ALTER TABLE … ADD COLUMN IF NOT EXISTS} adds (to a table of an older layout).
     * It runs only when a probe finds the column missing: even a no-op ALTER takes the table's exclusive
     * lock (PostgreSQL), which would queue every session request behind it at each start.
     */
    private static final Pattern ADDED_COLUMN = Pattern.compile("^ALTER TABLE \\S+ ADD COLUMN IF NOT EXISTS (\\w+)");

    /**
     * The index a {@code CREATE INDEX IF NOT EXISTS} creates or a {@code DROP INDEX IF EXISTS} drops (one an
     * older layout had). Each runs only when the table's index list says it has something to do: PostgreSQL's
     * CREATE INDEX takes the table's SHARE lock before it finds the index there, waiting for every write in
     * flight while new writes queue behind it.
     */
    private static final Pattern INDEX = Pattern.compile("^(CREATE|DROP) INDEX IF (?:NOT )?EXISTS (\\w+)");

    private Schema() {
    }

    private static boolean answers(Statement st, String probe) {
        try {
            st.executeQuery(probe).close();
            return true;
        } catch (SQLException missing) {
            return false;
        }
    }

    /**
     * Whether a DDL statement would change anything: an ALTER … ADD COLUMN when the column is missing, a
     * CREATE INDEX when the index is, a DROP INDEX when it is there; anything else (CREATE TABLE IF NOT
     * EXISTS, which takes no lock when the table exists) always.
     */
    private static boolean hasWork(Connection c, Statement st, String table, String ddl) {
        Matcher added = ADDED_COLUMN.matcher(ddl);
        if (added.find()) {
            return !answers(st, "SELECT " + added.group(1) + " FROM " + table + " WHERE 1 = 0");
        }
        Matcher index = INDEX.matcher(ddl);
        if (index.find()) {
            Set<String> indexes = indexNames(c, table);
            boolean present = indexes.contains(index.group(2).toLowerCase(Locale.ROOT));
            return indexes.isEmpty() || (index.group(1).equals("CREATE") ? !present : present);
        }
        return true;
    }

    /**
     * The names of the table's indexes, lower case, from the driver's metadata; empty when the metadata does
     * not say (then every index statement runs, as IF [NOT] EXISTS makes harmless). A table with a primary
     * key always lists at least that index.
     */
    static Set<String> indexNames(Connection c, String table) {
        Set<String> names = new HashSet<>();
        try {
            DatabaseMetaData meta = c.getMetaData();
            String stored = meta.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT)
                    : meta.storesLowerCaseIdentifiers() ? table.toLowerCase(Locale.ROOT) : table;
            try (ResultSet rs = meta.getIndexInfo(c.getCatalog(), c.getSchema(), stored, false, true)) {
                while (rs.next()) {
                    if (rs.getString("INDEX_NAME") != null) {
                        names.add(rs.getString("INDEX_NAME").toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (SQLException unknown) {
            names.clear();
        }
        return names;
    }

    /** The resource path of a dialect's DDL file. */
    static String resource(SqlDialect dialect) {
        return "/io/sessionservice/store/jdbc/" + dialect.name() + ".sql";
    }

    /** The DDL statements for {@code table}, comments left out. */
    static List<String> statements(SqlDialect dialect, String table) {
        String text;
        try (InputStream in = Schema.class.getResourceAsStream(resource(dialect))) {
            if (in == null) {
                throw new IllegalStateException(resource(dialect) + " is missing from the class path");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String sql = text.lines().filter(l -> !l.trim().startsWith("--")).reduce("", (a, b) -> a + b + "\n");
        String named = TABLE_NAME.matcher(sql).replaceAll(Matcher.quoteReplacement(table));
        return Arrays.stream(named.split(";")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * Creates what is missing. When the DDL is refused but the table answers (an account without DDL
     * rights, the DDL applied by hand), the store goes on with a warning.
     *
     * @throws SQLException when the table cannot be created and does not answer
     */
    static void ensure(DataSource dataSource, SqlDialect dialect, String table) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            try {
                for (String ddl : statements(dialect, table)) {
                    if (hasWork(c, st, table, ddl)) {
                        st.execute(ddl);
                    }
                }
            } catch (SQLException refused) {
                st.executeQuery("SELECT token FROM " + table + " WHERE 1 = 0").close(); // throws when there is no table
                LOG.warn("The session table {} exists but its DDL was refused (SQLState {}): apply {} by hand if an "
                        + "index is missing", table, refused.getSQLState(), resource(dialect));
            }
        }
    }
}
