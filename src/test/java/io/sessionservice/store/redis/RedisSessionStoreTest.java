package io.sessionservice.store.redis;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/** The store against the standalone Redis at 127.0.0.1:6379 (.ci/run starts one when none answers). */
class RedisSessionStoreTest extends AbstractRedisSessionStoreTest {

    private static final int PORT = 6379;

    @Override
    protected List<Integer> ports() {
        return List.of(PORT);
    }

    @Override
    protected ObjectNode connection() {
        return JsonNodeFactory.instance.objectNode().put("url", "redis://127.0.0.1:" + PORT);
    }

    @Override
    protected boolean cluster() {
        return false;
    }

    @Override
    protected UnifiedJedis inspector() {
        return RedisClient.create("127.0.0.1", PORT);
    }
}
