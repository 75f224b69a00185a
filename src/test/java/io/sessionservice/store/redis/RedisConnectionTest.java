package io.sessionservice.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.config.ConfigException;
import io.sessionservice.config.ServiceConfig;
import io.sessionservice.core.SessionStore;
import io.sessionservice.store.SessionStores;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** repository.redis settings, read without connecting. */
class RedisConnectionTest {

    @Test
    void sessionStoreRedisOpensTheRedisStoreWithoutConnecting() {
        ServiceConfig config = config(section().put("url", "redis://127.0.0.1:1")); // nothing listens there
        try (SessionStore store = SessionStores.open(config, Clock.systemUTC())) {
            assertInstanceOf(RedisSessionStore.class, store);
        }
    }

    @Test
    void defaults() {
        RedisConnection c = RedisConnection.of(config(section()));
        assertFalse(c.cluster());
        assertEquals("session-service:", c.keyPrefix());
    }

    @Test
    void clusterNodesSelectRedisCluster() {
        RedisConnection c = RedisConnection.of(config(section()
                .put("clusterNodes", " 127.0.0.1:7000, 127.0.0.1:7001 ,").put("url", "redis://ignored:1")));
        assertTrue(c.cluster());
    }

    @Test
    void badSettingsAreConfigErrors() {
        assertThrows(ConfigException.class, () -> RedisConnection.of(config(section().put("keyPrefix", "app{1}:"))));
        assertThrows(ConfigException.class, () -> RedisConnection.of(config(section().put("poolSize", 0))));
        assertThrows(ConfigException.class, () -> RedisConnection.of(config(section().put("clusterNodes", "host-without-port"))));
        assertThrows(ConfigException.class, () -> RedisConnection.of(config(section().put("url", "http://127.0.0.1:6379"))));
    }

    @Test
    void aBadUrlIsReportedWithoutItsPassword() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> RedisConnection.of(config(section().put("url", "redis://user:hunter2@:notaport/x"))));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    private static ObjectNode section() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static ServiceConfig config(ObjectNode redis) {
        ObjectNode repository = JsonNodeFactory.instance.objectNode().put("type", "redis");
        repository.set("redis", redis);
        return AbstractRedisSessionStoreTest.config(repository, Duration.ofSeconds(2));
    }
}
