package io.sessionservice.store.redis;

import static io.sessionservice.store.StoreOutageContract.assertUnavailableWithin;
import static io.sessionservice.store.StoreOutageContract.everyOperationWorks;
import static io.sessionservice.store.StoreOutageContract.outageSession;
import static io.sessionservice.testing.FreePorts.freePort;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.SessionStore;
import io.sessionservice.store.SessionStores;
import io.sessionservice.store.StoreOutageContract;
import io.sessionservice.testing.TestConfigs;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis going away ({@link StoreOutageContract}, on a redis-server of its own), where the restarted
 * server has also lost its script cache (EVALSHA answers NOSCRIPT); and a Redis Cluster that cannot be
 * reached, or loses a node and gets it back.
 */
class RedisOutageTest implements StoreOutageContract {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private RedisServerProcess server;

    @BeforeEach
    void fixTheAddress() throws Exception {
        server = RedisServerProcess.launch();
        server.stop(); // the port is this server's; startServer() starts it there
    }

    @AfterEach
    void stopTheServer() {
        server.close();
    }

    @Override
    public Duration storeTimeout() {
        return TIMEOUT;
    }

    @Override
    public SessionStore openStore() {
        return open(JsonNodeFactory.instance.objectNode().put("url", "redis://" + server.address()));
    }

    @Override
    public void startServer() throws Exception {
        server.start(); // empty, and without the script
    }

    @Override
    public boolean stopServer() {
        server.stop();
        return true;
    }

    @Override
    public boolean pauseServer() throws Exception {
        server.pause();
        return true;
    }

    @Override
    public void resumeServer() throws Exception {
        server.resume();
    }

    @Test
    void aClusterThatCannotBeReachedIsUnavailable() throws Exception {
        int nobody = freePort();
        try (RedisSessionStore store = open(JsonNodeFactory.instance.objectNode()
                .put("clusterNodes", "127.0.0.1:" + nobody))) {
            assertUnavailableWithin(TIMEOUT, store::ping);
            assertUnavailableWithin(TIMEOUT, () -> store.insert(outageSession("u-" + UUID.randomUUID())));
        }
    }

    @Test
    void aClusterNodeGoingDownAndComingBack() throws Exception {
        List<RedisServerProcess> nodes = RedisServerProcess.cluster(3);
        try (RedisSessionStore store = open(JsonNodeFactory.instance.objectNode().put("clusterNodes",
                nodes.stream().map(RedisServerProcess::address).collect(Collectors.joining(","))))) {
            everyOperationWorks(store, 12);
            nodes.get(0).stop();
            int unavailable = 0;
            for (int i = 0; i < 12; i++) { // tokens land on every node; those of the stopped one fail
                try {
                    assertUnavailableWithin(TIMEOUT, () -> store.insert(outageSession(null)));
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
            everyOperationWorks(store, 12);
        } finally {
            nodes.forEach(RedisServerProcess::close);
        }
    }

    private static void awaitClusterOk(RedisServerProcess node) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!node.command("CLUSTER INFO").contains("cluster_state:ok")) {
            assertTrue(System.nanoTime() < deadline, "cluster not ok again on " + node.address());
            Thread.sleep(50);
        }
    }

    private static RedisSessionStore open(ObjectNode connection) {
        ObjectNode repository = JsonNodeFactory.instance.objectNode().put("type", "redis");
        repository.set("redis", connection.put("keyPrefix", "outage-test:"));
        return SessionStores.redis(TestConfigs.of(repository, TIMEOUT).redis(), Clock.systemUTC());
    }
}
