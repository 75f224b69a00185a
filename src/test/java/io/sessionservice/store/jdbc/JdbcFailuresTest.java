package io.sessionservice.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.sessionservice.core.Json;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.Session;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.core.Tokens;
import io.sessionservice.core.TouchResolution;
import io.sessionservice.store.TestClock;
import io.sessionservice.testing.FreePorts;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Database trouble is store trouble (503), and what the service logs of it quotes nothing of the server's text. */
class JdbcFailuresTest {

    @Test
    void theMessageKeepsTheSqlStateAndCodeButNotTheServersText() {
        String token = Tokens.issue();
        StoreUnavailableException e = JdbcFailures.unavailable("insert", new SQLException(
                "duplicate key value violates unique constraint: Key (token)=(" + token + ") already exists", "23505", 0));
        assertTrue(e.getMessage().contains("23505"), e.getMessage());
        assertFalse(e.getMessage().contains(token), e.getMessage());
    }

    /** No server on the port: the store still opens, and every operation fails as store trouble. */
    @Test
    void everyOperationOnADatabaseThatDoesNotAnswerIsStoreTrouble() throws Exception {
        JdbcTestDatabase nowhere = new JdbcTestDatabase(
                "jdbc:postgresql://127.0.0.1:" + FreePorts.freePort() + "/test", "postgres", null);
        TestClock clock = new TestClock();
        try (HikariDataSource pool = JdbcPool.open(nowhere.url(), "postgres", null, 1, Duration.ofMillis(300),
                nowhere.dialect());
             JdbcSessionStore store = new JdbcSessionStore(pool, nowhere.dialect(), "sessions", TouchResolution.DEFAULT,
                     clock)) {
            Instant now = clock.instant();
            Session s = new Session(Tokens.issue(), "u", Json.MAPPER.createObjectNode().put("AccountId", "u"), now,
                    now.plusSeconds(60), 60, true);
            List<Supplier<?>> operations = List.of(() -> store.insert(s, 10), () -> store.find(s.token(), false),
                    () -> store.find(s.token(), true), () -> store.update(s.token(),
                            new Mutation.Patch(Json.MAPPER.createObjectNode(), Set.of()), true),
                    () -> store.delete(s.token()), () -> store.findByUser("u"), () -> store.deleteByUser("u"),
                    () -> {
                        store.ping();
                        return null;
                    });
            for (Supplier<?> operation : operations) {
                assertThrows(StoreUnavailableException.class, operation::get);
            }
            assertTrue(store.liveCount().isEmpty(), "no count while the database does not answer");
        }
    }
}
