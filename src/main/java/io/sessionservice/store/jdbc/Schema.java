package io.sessionservice.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The table and indexes of the JDBC store, from the DDL file shipped for each database
 * ({@code io/sessionservice/store/jdbc/<dialect>.sql}, the same text a DBA applies by hand), with the
 * configured table name in place of {@code sessions}. Every statement is IF NOT EXISTS, so running it
 * at each start is harmless.
 */
final class Schema {

    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);
    /** The table name in the DDL files, also as the prefix of the index names (index names are per schema). */
    private static final Pattern TABLE_NAME = Pattern.compile("\\bsessions(?=\\b|_)");

    private Schema() {
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
                    st.execute(ddl);
                }
            } catch (SQLException refused) {
                st.executeQuery("SELECT token FROM " + table + " WHERE 1 = 0").close(); // throws when there is no table
                LOG.warn("The session table {} exists but its DDL was refused (SQLState {}): apply {} by hand if an "
                        + "index is missing", table, refused.getSQLState(), resource(dialect));
            }
        }
    }
}
