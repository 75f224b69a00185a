package io.sessionservice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sessionservice.core.Json;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.core.Tokens;
import io.sessionservice.testing.LogLines;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The outage contract every remote store's test runs: with its server stopped or not answering,
 * every operation fails with {@link StoreUnavailableException} (the HTTP layer's 503) within the
 * store timeout plus slack, and the same store, never reopened, serves again once the server is back.
 * A test supplies the hooks; the server's address is fixed before the first {@link #startServer()},
 * so that a store can be opened while nothing listens there. It stops its server after each test.
 */
public interface StoreOutageContract {

    /** Scheduling slack on a busy 2-core machine. */
    Duration SLACK = Duration.ofMillis(1500);

    /** The store timeout the test opens its stores with. */
    Duration storeTimeout();

    /** A store opened the way the service opens it ({@code SessionStores}), at the server's address. */
    SessionStore openStore() throws Exception;

    /** Starts the server (again, after {@link #stopServer()}: the restarted server may have lost its data). */
    void startServer() throws Exception;

    /**
     * Stops the server: its address refuses connections until {@link #startServer()} starts it again
     * there; false when this server cannot be restarted as the same server (then that test is skipped).
     */
    boolean stopServer() throws Exception;

    /** Makes the server accept requests and never answer them; false when this server cannot. */
    default boolean pauseServer() throws Exception {
        return false;
    }

    /** Undoes {@link #pauseServer()}. */
    default void resumeServer() throws Exception {
    }

    @Test
    default void aStoppedServerMeansUnavailableAndARestartedOneServesAgain() throws Exception {
        startServer();
        try (SessionStore store = openStore()) {
            Session before = outageSession("u-" + UUID.randomUUID());
            eventually(() -> store.insert(before));
            assertTrue(store.find(before.token(), true).isPresent());

            assumeTrue(stopServer(), "this server cannot be stopped and restarted");
            everyOperationIsUnavailable(store, before);

            startServer();
            eventually(() -> everyOperationWorks(store, 6));
        }
    }

    @Test
    default void aServerThatStopsAnsweringTimesOutAndServesOnceItAnswers() throws Exception {
        startServer();
        try (SessionStore store = openStore()) {
            Session s = outageSession("u-" + UUID.randomUUID());
            eventually(() -> store.insert(s));
            assumeTrue(pauseServer(), "this server cannot be paused");
            try {
                unavailableInTime(() -> store.find(s.token(), true));
                unavailableInTime(() -> store.insert(outageSession(null)));
                unavailableInTime(() -> store.findByUser(s.userId()));
                unavailableInTime(store::ping);
                // no writes of s here: a paused Redis (SIGSTOP) still runs what it was sent once resumed
            } finally {
                resumeServer();
            }
            eventually(() -> store.find(s.token(), false).isPresent());
        }
    }

    @Test
    default void aStoreOpenedWhileTheServerIsDownServesOnceItIsUp() throws Exception {
        try (SessionStore store = openStore()) {
            unavailableInTime(store::ping);
            unavailableInTime(() -> store.find(Tokens.issue(), false));
            startServer();
            eventually(() -> everyOperationWorks(store, 6));
        }
    }

    /**
     * Issue 14: an outage writes one WARN when it starts, however many operations fail, then a summary at
     * most every 10 s, and one INFO when the store is back. The log's clock is moved by hand, so the
     * lines counted do not depend on how long the failures take.
     */
    @Test
    default void anOutageLogsOneWarningNotOnePerFailure() throws Exception {
        startServer();
        TestClock clock = new TestClock();
        try (LogLines log = LogLines.of(StoreOutageLog.class);
             SessionStore store = new MeteredSessionStore(openStore(), new StoreOutageLog("test", clock),
                     new SimpleMeterRegistry())) {
            Session s = outageSession("u-" + UUID.randomUUID());
            eventually(() -> store.insert(s));
            assumeTrue(stopServer(), "this server cannot be stopped and restarted");

            failSeveralTimes(store, s, 2);
            List<String> afterFew = log.lines();
            failSeveralTimes(store, s, 10);
            assertEquals(afterFew, log.lines(), "lines grew with the failures");
            assertEquals(1L, log.count(Level.WARN), () -> log.lines().toString());
            assertTrue(log.lines().get(0).startsWith("WARN Session store test unavailable ("), () -> log.lines().toString());

            clock.advance(StoreOutageLog.SUMMARY_EVERY);
            failSeveralTimes(store, s, 3);
            assertEquals(2L, log.count(Level.WARN), () -> log.lines().toString()); // one summary in those 10 s
            assertTrue(log.lines().get(1).contains("still unavailable for 10 s: 12 store operations failed"), () -> log.lines().toString());

            startServer();
            eventually(() -> everyOperationWorks(store, 2));
            assertEquals(1L, log.count(Level.INFO), () -> log.lines().toString());
            assertEquals(3, log.lines().size(), () -> log.lines().toString());
            for (String line : log.lines()) {
                assertTrue(!line.contains(s.token()), () -> "a token in the log: " + line);
            }
        }
    }

    private static void failSeveralTimes(SessionStore store, Session s, int times) {
        for (int i = 0; i < times; i++) {
            assertThrows(StoreUnavailableException.class, () -> store.find(s.token(), false));
        }
    }

    private void everyOperationIsUnavailable(SessionStore store, Session s) {
        Mutation patch = new Mutation.Patch(Json.MAPPER.createObjectNode().put("a", 1), Set.of());
        unavailableInTime(() -> store.insert(outageSession("someone")));
        unavailableInTime(() -> store.find(s.token(), false));
        unavailableInTime(() -> store.find(s.token(), true));
        unavailableInTime(() -> store.update(s.token(), patch, true));
        unavailableInTime(() -> store.delete(s.token()));
        unavailableInTime(() -> store.findByUser(s.userId()));
        unavailableInTime(() -> store.deleteByUser(s.userId()));
        unavailableInTime(store::ping);
    }

    /** Every operation succeeds, on {@code tokens} tokens (enough, and every node of a cluster is used). */
    static boolean everyOperationWorks(SessionStore store, int tokens) {
        store.ping();
        String owner = "u-" + UUID.randomUUID();
        for (int i = 0; i < tokens; i++) {
            Session s = outageSession(owner);
            assertTrue(store.insert(s));
            assertTrue(store.find(s.token(), true).isPresent());
            ObjectNode set = Json.MAPPER.createObjectNode().put("a", 1);
            assertEquals(1, store.update(s.token(), new Mutation.Patch(set, Set.of()), true)
                    .orElseThrow().data().get("a").asInt());
        }
        assertEquals(tokens, store.findByUser(owner).size());
        Session last = outageSession(owner);
        assertTrue(store.insert(last));
        assertTrue(store.delete(last.token()));
        assertEquals(tokens, store.deleteByUser(owner));
        return true;
    }

    /** A sliding 600 s session of {@code userId} (or of nobody), created now. */
    static Session outageSession(String userId) {
        Instant now = Clock.systemUTC().instant();
        ObjectNode data = Json.MAPPER.createObjectNode();
        if (userId != null) {
            data.put(Session.ACCOUNT_ID, userId);
        }
        return new Session(Tokens.issue(), userId, data, now, now.plusSeconds(600), 600, true);
    }

    private void unavailableInTime(Executable operation) {
        assertUnavailableWithin(storeTimeout(), operation);
    }

    /** The operation fails as unavailable within {@code timeout} plus {@link #SLACK}. */
    static void assertUnavailableWithin(Duration timeout, Executable operation) {
        long start = System.nanoTime();
        assertThrows(StoreUnavailableException.class, operation);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(timeout.plus(SLACK)) < 0, "took " + took.toMillis() + " ms");
    }

    /** Retries while the store is unavailable, for at most 30 s (drivers reconnect with backoff). */
    static void eventually(Supplier<Boolean> operation) throws InterruptedException {
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
