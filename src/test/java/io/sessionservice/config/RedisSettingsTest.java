package io.sessionservice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.SessionStore;
import io.sessionservice.store.SessionStores;
import io.sessionservice.store.redis.RedisSessionStore;
import io.sessionservice.testing.TestConfigs;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** repository.redis settings, read without connecting. */
class RedisSettingsTest {

    @Test
    void sessionStoreRedisOpensTheRedisStoreWithoutConnecting() {
        ServiceConfig config = config(section().put("url", "redis://127.0.0.1:1")); // nothing listens there
        try (SessionStore store = SessionStores.open(config, Clock.systemUTC())) {
            assertInstanceOf(RedisSessionStore.class, store);
        }
    }

    @Test
    void defaults() {
        RedisSettings c = config(section()).redis();
        assertFalse(c.cluster());
        assertEquals("session-service:", c.keyPrefix());
        assertEquals(RedisSettings.DEFAULT_URL, c.url().toString());
        assertEquals(32, c.poolSize());
        assertEquals(TestConfigs.TIMEOUT, c.timeout());
    }

    @Test
    void clusterNodesSelectRedisCluster() {
        RedisSettings c = config(section()
                .put("clusterNodes", " 127.0.0.1:7000, 127.0.0.1:7001 ,").put("url", "redis://ignored:1")).redis();
        assertTrue(c.cluster());
        assertEquals(List.of("127.0.0.1:7000", "127.0.0.1:7001"), c.clusterNodes());
    }

    @Test
    void badSettingsAreConfigErrors() {
        assertThrows(ConfigException.class, () -> config(section().put("keyPrefix", "app{1}:")).redis());
        assertThrows(ConfigException.class, () -> config(section().put("poolSize", 0)).redis());
        assertThrows(ConfigException.class, () -> config(section().put("clusterNodes", "host-without-port")).redis());
        assertThrows(ConfigException.class, () -> config(section().put("url", "http://127.0.0.1:6379")).redis());
        assertThrows(ConfigException.class, () -> config(section().put("localCache", -1)).redis());
        assertThrows(ConfigException.class, () -> config(section().put("localCache", 1.5)).redis());
        assertThrows(ConfigException.class, () -> config(section().put("localCache", "many")).redis());
        assertThrows(ConfigException.class, () -> config(section().put("localCache", 10_000_001)).redis());
    }

    @Test
    void theLocalCacheIsOnByDefaultAndZeroTurnsItOff() {
        assertEquals(RedisSettings.DEFAULT_LOCAL_CACHE, config(section()).redis().localCache());
        assertEquals(0, config(section().put("localCache", 0)).redis().localCache());
        assertEquals(500, config(section().put("localCache", 500)).redis().localCache());
    }

    @Test
    void aBadUrlIsReportedWithoutItsPassword() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> config(section().put("url", "redis://user:hunter2@:notaport/x")).redis());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        RedisSettings good = config(section().put("url", "redis://user:hunter2@db:6380/1")).redis();
        assertFalse(good.toString().contains("hunter2"), good.toString());
    }

    private static ObjectNode section() {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }

    private static ServiceConfig config(ObjectNode redis) {
        return TestConfigs.store("redis").with("redis", redis).build();
    }
}
