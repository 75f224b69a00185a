package io.sessionservice.store.redis;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
