package io.sessionservice.store.redis;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionservice.core.Session;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/** The store against a Redis Cluster of 3 masters that this class starts on loopback ports. */
class RedisClusterSessionStoreTest extends AbstractRedisSessionStoreTest {

    private static List<RedisServerProcess> nodes;

    @BeforeAll
    static void startCluster() throws Exception {
        nodes = RedisServerProcess.cluster(3);
    }

    @AfterAll
    static void stopCluster() {
        if (nodes != null) {
            nodes.forEach(RedisServerProcess::close);
        }
    }

    /**
     * FLUSHALL (on these test-owned nodes only) sends the invalidation without keys: the local cache
     * is flushed, so a session cached before is not answered once Redis has forgotten it.
     */
    @Test
    void aFlushAllEmptiesTheLocalCache() throws Exception {
        RedisSessionStore one = cachedStore();
        Session s = session(user(), 600, false);
        assertTrue(one.insert(s));
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (!one.localCache().holds(s.token()) || one.localCache().get(s.token()) == null) {
            one.find(s.token(), false); // an insert's own invalidation may void the first read
            assertTrue(System.nanoTime() < deadline, "never cached");
        }
        for (RedisServerProcess node : nodes) {
            assertEquals("+OK", node.command("FLUSHALL"));
        }
        long flushed = System.nanoTime();
        while (one.find(s.token(), false).isPresent()) {
            assertTrue(System.nanoTime() - flushed <= SEEN_WITHIN.toNanos(), "a flushed session still answered");
        }
    }

    @Override
    protected List<Integer> ports() {
        return nodes.stream().map(RedisServerProcess::port).toList();
    }

    @Override
    protected ObjectNode connection() {
        return JsonNodeFactory.instance.objectNode().put("clusterNodes",
                nodes.stream().map(RedisServerProcess::address).collect(Collectors.joining(",")));
    }

    @Override
    protected boolean cluster() {
        return true;
    }

    @Override
    public UnifiedJedis inspector() {
        return RedisClusterClient.create(HostAndPort.from(nodes.get(0).address()));
    }
}
