package io.sessionservice.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.sessionservice.core.Json;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.Tokens;
import io.sessionservice.core.TouchResolution;
import io.sessionservice.store.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The statements each store operation sends, per dialect, counted by datasource-proxy around the pool:
 * each executed statement by its first word, and a transaction by BEGIN (auto-commit off) and COMMIT.
 * The README's table is this test's output; a change that adds a statement fails here.
 */
class StatementCountTest {

    private final TestClock clock = new TestClock();
    private final List<String> sent = new ArrayList<>();

    static Stream<JdbcTestDatabase> databases() {
        return Stream.of(JdbcTestDatabase.POSTGRES, JdbcTestDatabase.MARIADB, JdbcTestDatabase.h2File());
    }

    @ParameterizedTest
    @MethodSource("databases")
    void eachOperationSendsItsBudgetOfStatements(JdbcTestDatabase database) throws Exception {
        String table = JdbcTestDatabase.newTable("count");
        try (HikariDataSource pool = JdbcPool.open(database.url(), database.username(), database.password(), 2,
                Duration.ofSeconds(2), database.dialect())) {
            var counted = ProxyDataSourceBuilder.create(pool)
                    .afterQuery((info, queries) -> queries.forEach(q -> sent.add(firstWord(q.getQuery()))))
                    .afterMethod(m -> {
                        String name = m.getMethod().getName();
                        if (name.equals("commit")) {
                            sent.add("COMMIT");
                        } else if (name.equals("setAutoCommit") && Boolean.FALSE.equals(m.getMethodArgs()[0])) {
                            sent.add("BEGIN");
                        }
                    })
                    .build();
            JdbcSessionStore store = new JdbcSessionStore(counted, database.dialect(), table,
                    TouchResolution.ofSeconds(60), clock);
            Map<String, List<String>> byOperation = measure(store);
            System.out.println("JDBC statements per operation, " + database.dialect().name() + ": " + byOperation);
            String insert = database.dialect() instanceof H2Dialect ? "MERGE" : "INSERT";
            Map<String, List<String>> expected = new LinkedHashMap<>();
            expected.put("insert (no owner)", List.of(insert));
            expected.put("insert (owner, under the cap)", List.of(insert, "SELECT"));
            expected.put("insert (owner, past the cap)", List.of(insert, "SELECT", "DELETE"));
            expected.put("find", List.of("SELECT"));
            boolean postgres = database.dialect() instanceof PostgresDialect; // UPDATE … RETURNING in a CTE
            expected.put("find+touch (within the resolution)", List.of(postgres ? "WITH" : "SELECT"));
            expected.put("find+touch (slide due)", postgres ? List.of("WITH") : List.of("SELECT", "UPDATE"));
            expected.put("update (patch)", List.of("BEGIN", "SELECT", "UPDATE", "COMMIT"));
            expected.put("update (replace, touch)", List.of("BEGIN", "SELECT", "UPDATE", "COMMIT"));
            expected.put("update (no such session)", List.of("BEGIN", "SELECT", "COMMIT"));
            expected.put("delete", List.of("DELETE"));
            // PostgreSQL: lock, insert and end in data-modifying CTEs of one statement
            expected.put("rotate", postgres ? List.of("WITH") : List.of("BEGIN", "SELECT", insert, "DELETE", "COMMIT"));
            expected.put("rotate (with grace)", postgres ? List.of("WITH") : List.of("BEGIN", "SELECT", insert, "UPDATE", "COMMIT"));
            expected.put("rotate (no such session)", postgres ? List.of("WITH") : List.of("BEGIN", "SELECT", "COMMIT"));
            expected.put("findByUser (3 live)", List.of("SELECT"));
            expected.put("latest session of user", List.of("SELECT"));
            expected.put("deleteByUser (3 live)", List.of("DELETE"));
            expected.put("ping", List.of("SELECT"));
            assertEquals(expected, byOperation);
            store.close();
            List<String> reopening = count(() -> new JdbcSessionStore(counted, database.dialect(), table,
                    TouchResolution.ofSeconds(60), clock).close());
            // The table's CREATE … IF NOT EXISTS (no lock when the table exists) and the probes of the two
            // added columns: no ALTER (an exclusive lock), no CREATE INDEX (PostgreSQL: a SHARE lock), no DROP.
            assertEquals(List.of("CREATE", "SELECT", "SELECT"), reopening,
                    "a table of the current layout takes no lock at start");
        } finally {
            database.drop(table);
        }
    }

    private Map<String, List<String>> measure(JdbcSessionStore store) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        String owner = "user-" + Tokens.issue();
        Session plain = session(null, 3600);
        result.put("insert (no owner)", count(() -> store.insert(plain, 100)));
        List<Session> mine = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Session s = session(owner, 3600);
            mine.add(s);
            List<String> statements = count(() -> store.insert(s, 3));
            result.put("insert (owner, under the cap)", statements);
            clock.advanceMillis(1);
        }
        Session fourth = session(owner, 3600);
        result.put("insert (owner, past the cap)", count(() -> store.insert(fourth, 3)));
        assertTrue(store.find(mine.get(0).token(), false).isEmpty(), "the cap ended the oldest");
        result.put("find", count(() -> store.find(plain.token(), false)));
        clock.advanceSeconds(10);
        result.put("find+touch (within the resolution)", count(() -> store.find(fourth.token(), true)));
        clock.advanceSeconds(60);
        result.put("find+touch (slide due)", count(() -> store.find(fourth.token(), true)));
        result.put("update (patch)", count(() -> store.update(plain.token(),
                new Mutation.Patch(Json.MAPPER.createObjectNode().put("p", 1), Set.of()), false)));
        clock.advanceSeconds(61);
        result.put("update (replace, touch)", count(() -> store.update(plain.token(),
                new Mutation.Replace(Json.MAPPER.createObjectNode().put("r", 1)), true)));
        result.put("update (no such session)", count(() -> store.update(Tokens.issue(),
                new Mutation.Replace(Json.MAPPER.createObjectNode()), true)));
        result.put("delete", count(() -> store.delete(plain.token())));
        Session rotated = session(null, 3600);
        store.insert(rotated);
        String next = Tokens.issue();
        result.put("rotate", count(() -> assertTrue(store.rotate(rotated.token(), next, null).isPresent())));
        result.put("rotate (with grace)", count(() -> assertTrue(
                store.rotate(next, Tokens.issue(), clock.instant().plusSeconds(30)).isPresent())));
        result.put("rotate (no such session)", count(() -> store.rotate(Tokens.issue(), Tokens.issue(), null)));
        result.put("findByUser (3 live)", count(() -> assertEquals(3, store.findByUser(owner).size())));
        result.put("latest session of user", count(() -> store.findByUser(owner, PageStart.FIRST, 1)));
        result.put("deleteByUser (3 live)", count(() -> assertEquals(3, store.deleteByUser(owner))));
        result.put("ping", count(store::ping));
        return result;
    }

    private List<String> count(Runnable operation) {
        sent.clear();
        operation.run();
        return List.copyOf(sent);
    }

    private List<String> count(Supplier<?> operation) {
        return count((Runnable) operation::get);
    }

    private Session session(String owner, long ttl) {
        Instant now = clock.instant();
        var data = Json.MAPPER.createObjectNode();
        if (owner != null) {
            data.put(Session.ACCOUNT_ID, owner);
        }
        return new Session(Tokens.issue(), owner, data, now, now.plusSeconds(ttl), ttl, true);
    }

    private static String firstWord(String sql) {
        return sql.trim().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
    }
}
