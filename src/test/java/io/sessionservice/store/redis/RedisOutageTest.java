package io.sessionservice.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.sessionservice.testing.FreePorts.freePort;
import io.sessionservice.testing.TestConfigs;
import io.sessionservice.store.SessionStores;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.Session;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.core.Tokens;
import io.sessionservice.store.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Redis going away: every operation fails with StoreUnavailableException (the HTTP layer's 503 +
 * Retry-After) within the configured timeout, and the same store works again once Redis is back,
 * even though the restarted server has lost its script cache.
 */
class RedisOutageTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /** Scheduling slack on a busy 2-core machine. */
    private static final Duration SLACK = Duration.ofMillis(1500);

    private final TestClock clock = new TestClock();

    @Test
    void aStoppedServerMeansUnavailableAndARestartedOneServesAgain() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.launch();
             RedisSessionStore store = open(url(server))) {
            Session before = session("u-" + UUID.randomUUID());
            assertTrue(store.insert(before));
            assertTrue(store.find(before.token(), true).isPresent());

            server.stop();
            everyOperationIsUnavailable(store, before);

            server.start(); // empty, and without the script: EVALSHA answers NOSCRIPT
            everyOperationWorks(store);
        }
    }

    @Test
    void aServerThatStopsAnsweringTimesOut() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.launch();
             RedisSessionStore store = open(url(server))) {
            Session s = session(null);
            assertTrue(store.insert(s));
            server.pause();
            try {
                unavailableInTime(() -> store.find(s.token(), true));
                unavailableInTime(() -> store.insert(session(null))); // a new connection too
            } finally {
                server.resume();
            }
            assertTrue(store.find(s.token(), false).isPresent());
        }
    }

    @Test
    void aStoreOpenedWhileRedisIsDownServesOnceItIsUp() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.launch()) {
            server.stop();
            try (RedisSessionStore store = open(url(server))) {
                unavailableInTime(store::ping);
                server.start();
                everyOperationWorks(store);
            }
        }
    }

    @Test
    void aClusterThatCannotBeReachedIsUnavailable() throws Exception {
        int nobody = freePort();
        try (RedisSessionStore store = open(objectNode().put("clusterNodes", "127.0.0.1:" + nobody))) {
            unavailableInTime(store::ping);
            unavailableInTime(() -> store.insert(session("u-" + UUID.randomUUID())));
        }
    }

    @Test
    void aClusterNodeGoingDownAndComingBack() throws Exception {
        List<RedisServerProcess> nodes = RedisServerProcess.cluster(3);
        try (RedisSessionStore store = open(objectNode().put("clusterNodes",
                nodes.stream().map(RedisServerProcess::address).collect(Collectors.joining(","))))) {
            everyOperationWorks(store);
            nodes.get(0).stop();
            int unavailable = 0;
            for (int i = 0; i < 12; i++) { // tokens land on every node; those of the stopped one fail
                try {
                    unavailableInTime(() -> store.insert(session(null)));
                    unavailable++;
                } catch (AssertionError e) {
                    // this token's slot is on a live node
                }
            }
            assertTrue(unavailable > 0, "no operation reached the stopped node");

            nodes.get(0).start(); // rejoins with its nodes.conf
            for (RedisServerProcess node : nodes) {
                awaitClusterOk(node);
            }
            everyOperationWorks(store);
        } finally {
            nodes.forEach(RedisServerProcess::close);
        }
    }

    // ---- helpers ----

    private void everyOperationIsUnavailable(RedisSessionStore store, Session s) {
        Mutation patch = new Mutation.Patch(objectNode().put("a", 1), Set.of());
        unavailableInTime(() -> store.insert(session("someone")));
        unavailableInTime(() -> store.find(s.token(), false));
        unavailableInTime(() -> store.find(s.token(), true));
        unavailableInTime(() -> store.update(s.token(), patch, true));
        unavailableInTime(() -> store.delete(s.token()));
        unavailableInTime(() -> store.findByUser(s.userId()));
        unavailableInTime(() -> store.deleteByUser(s.userId()));
        unavailableInTime(store::ping);
    }

    /** Every operation succeeds (many tokens, so every Cluster node is used). */
    private void everyOperationWorks(RedisSessionStore store) {
        store.ping();
        String owner = "u-" + UUID.randomUUID();
        for (int i = 0; i < 12; i++) {
            Session s = session(owner);
            assertTrue(store.insert(s));
            assertTrue(store.find(s.token(), true).isPresent());
            assertEquals(1, store.update(s.token(), new Mutation.Patch(objectNode().put("a", 1), Set.of()), true)
                    .orElseThrow().data().get("a").asInt());
        }
        assertEquals(12, store.findByUser(owner).size());
        Session last = session(owner);
        store.insert(last);
        assertTrue(store.delete(last.token()));
        assertEquals(12, store.deleteByUser(owner));
    }

    private static void unavailableInTime(Runnable operation) {
        long start = System.nanoTime();
        assertThrows(StoreUnavailableException.class, operation::run);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(TIMEOUT.plus(SLACK)) < 0, "took " + took.toMillis() + " ms");
    }

    private static void awaitClusterOk(RedisServerProcess node) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!node.command("CLUSTER INFO").contains("cluster_state:ok")) {
            assertTrue(System.nanoTime() < deadline, "cluster not ok again on " + node.address());
            Thread.sleep(50);
        }
    }

    private RedisSessionStore open(ObjectNode connection) {
        ObjectNode repository = objectNode().put("type", "redis");
        repository.set("redis", connection.put("keyPrefix", "outage-test:"));
        return SessionStores.redis(TestConfigs.of(repository, TIMEOUT).redis(), clock);
    }

    private static ObjectNode url(RedisServerProcess server) {
        return objectNode().put("url", "redis://" + server.address());
    }

    private Session session(String userId) {
        ObjectNode data = objectNode().put("n", 1);
        if (userId != null) {
            data.put(Session.ACCOUNT_ID, userId);
        }
        Instant now = clock.instant();
        return new Session(Tokens.issue(), userId, data, now, now.plusSeconds(60), 60, true);
    }

    private static ObjectNode objectNode() {
        return JsonNodeFactory.instance.objectNode();
    }
}
