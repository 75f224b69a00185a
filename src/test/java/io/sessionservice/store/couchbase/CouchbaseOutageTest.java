package io.sessionservice.store.couchbase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.sessionservice.testing.FreePorts.freePort;
import io.sessionservice.testing.TestConfigs;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Json;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.core.Tokens;
import io.sessionservice.store.SessionStores;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Couchbase unreachable: every operation fails with {@link StoreUnavailableException} (the HTTP
 * layer's 503) within the configured timeout, and the same store serves again once Couchbase
 * answers, without being reopened. Stores here are opened the way the service opens them.
 */
class CouchbaseOutageTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /** The timeout plus scheduling slack on a busy 2-core machine. */
    private static final Duration BOUND = TIMEOUT.plusSeconds(2);

    private final Clock clock = Clock.systemUTC();

    @Test
    void couchbaseThatStopsAnsweringIsUnavailableAndTheSameStoreRecovers() throws Exception {
        try (CouchbaseMockServer mock = new CouchbaseMockServer();
             SessionStore store = open("couchbase://127.0.0.1:" + mock.kvPort() + "=kv")) {
            eventually(() -> store.insert(session("before")));
            Session kept = session("kept");
            assertTrue(store.insert(kept));

            mock.suspend(); // the KV server reads requests and never answers them
            try {
                assertUnavailableWithinBound(() -> store.find(kept.token(), true));
                assertUnavailableWithinBound(() -> store.insert(session("during")));
                assertUnavailableWithinBound(() -> store.findByUser("kept"));
                assertUnavailableWithinBound(() -> store.delete(kept.token()));
                assertUnavailableWithinBound(store::ping);
            } finally {
                mock.resume();
            }

            eventually(() -> store.find(kept.token(), false).isPresent());
            store.ping();
            assertEquals(List.of(kept.token()), store.findByUser("kept").stream().map(Session::token).toList());
        }
    }

    /**
     * Couchbase down when the service starts: the store opens anyway, answers "unavailable", and
     * serves once a server listens where the connection string points (a mock whose KV port is the
     * one that was dead; the mock's HTTP port is never chosen, see {@link CouchbaseMockServer}).
     */
    @Test
    void couchbaseDownAtStartIsUnavailableUntilItComesUp() throws Exception {
        int port = freePort();
        try (SessionStore store = open("couchbase://127.0.0.1:" + port + "=kv")) {
            assertUnavailableWithinBound(() -> store.find(Tokens.issue(), false));
            assertUnavailableWithinBound(() -> store.insert(session("early")));
            assertUnavailableWithinBound(store::ping);

            try (CouchbaseMockServer mock = new CouchbaseMockServer(port)) {
                Session s = session("late");
                eventually(() -> store.insert(s));
                assertTrue(store.find(s.token(), true).isPresent());
                store.ping();
            }
        }
    }

    // ---- helpers ----

    private SessionStore open(String connectionString) {
        ObjectNode repository = Json.MAPPER.createObjectNode().put("type", "couchbase");
        repository.putObject("couchbase").put("connectionString", connectionString)
                .put("username", CouchbaseMockServer.BUCKET).put("password", CouchbaseMockServer.PASSWORD)
                .put("bucket", CouchbaseMockServer.BUCKET);
        return SessionStores.open(TestConfigs.of(repository, TIMEOUT), clock);
    }

    private Session session(String userId) {
        Instant now = clock.instant();
        ObjectNode data = Json.MAPPER.createObjectNode().put(Session.ACCOUNT_ID, userId);
        return new Session(Tokens.issue(), userId, data, now, now.plusSeconds(600), 600, true);
    }

    private static void assertUnavailableWithinBound(Executable operation) {
        long start = System.nanoTime();
        assertThrows(StoreUnavailableException.class, operation);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(BOUND) <= 0, "took " + took);
    }

    /** Retries while the store is unavailable, for at most 30 s (the SDK reconnects with backoff). */
    private static void eventually(Supplier<Boolean> operation) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                if (operation.get()) {
                    return;
                }
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not done within 30 s");
            }
            Thread.sleep(100);
        }
    }
}
