package io.sessionservice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.bwaldvogel.mongo.MongoServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sessionservice.config.RedisSettings;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.TouchResolution;
import io.sessionservice.store.jdbc.JdbcSessionStore;
import io.sessionservice.store.jdbc.JdbcTestDatabase;
import io.sessionservice.store.memory.MemorySessionStore;
import io.sessionservice.store.mongo.MongoSessionStore;
import io.sessionservice.store.redis.RedisSessionStore;
import io.sessionservice.testing.TestConfigs;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The store's own meters, bound through {@link StoreMeters} as the service binds them: the Redis store's
 * Jedis pool and local cache (real Redis at 127.0.0.1:6379), the MongoDB driver's pool and commands
 * (mongo-java-server over TCP), the JDBC store's HikariCP pool (the machine's PostgreSQL, as Prometheus
 * shows it), none for the memory store.
 */
class StoreMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void redisPoolGaugesAndLocalCacheCounters() {
        ObjectNode repository = JsonNodeFactory.instance.objectNode().put("type", "redis");
        repository.putObject("redis").put("url", "redis://127.0.0.1:6379/0")
                .put("keyPrefix", "meters-" + UUID.randomUUID() + ":").put("localCache", 100);
        try (RedisSessionStore store = SessionStores.redis(TestConfigs.of(repository).redis(), Clock.systemUTC())) {
            StoreMeters.of(new MeteredSessionStore(store, new StoreOutageLog("redis", Clock.systemUTC()), registry))
                    .bindTo(registry);
            assertEquals(0, gauge("session_store_pool_connections", "state", "idle"), "pooled before connecting");
            assertEquals(0, gauge("session_store_pool_max", null, null), "a pool before connecting");
            Session s = StoreOutageContract.outageSession("u-" + UUID.randomUUID());
            store.insert(s);
            assertEquals(RedisSettings.DEFAULT_POOL_SIZE, gauge("session_store_pool_max", null, null));
            assertEquals(1, gauge("session_store_pool_connections", "state", "idle"), "the connection back in the pool");
            assertEquals(0, gauge("session_store_pool_connections", "state", "active"));
            assertEquals(0, gauge("session_store_pool_pending", null, null));

            double misses = counter("session_store_cache_requests", "miss");
            double hits = counter("session_store_cache_requests", "hit");
            // the cache answers (and counts) once its invalidation subscription is up: read until it does
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (counter("session_store_cache_requests", "hit") == hits && System.nanoTime() < deadline) {
                store.find(s.token(), false);
            }
            assertTrue(counter("session_store_cache_requests", "hit") > hits, "no cache hit counted");
            assertTrue(counter("session_store_cache_requests", "miss") > misses, "no cache miss counted");
            store.delete(s.token());
        }
    }

    @Test
    void mongoDriverPoolAndCommandsThroughMicrometersListeners() {
        MongoServer server = new MongoServer(new de.bwaldvogel.mongo.backend.memory.MemoryBackend());
        try {
            server.bind("127.0.0.1", 0);
            TestConfigs config = TestConfigs.store("mongodb");
            config.section("mongodb").put("uri", "mongodb://127.0.0.1:" + server.getLocalAddress().getPort())
                    .put("database", "meters");
            try (MongoSessionStore store = SessionStores.mongo(config.build().mongo(), Clock.systemUTC())) {
                // bound after the store opened and created its indexes (a pooled connection exists already)
                StoreMeters.of(store).bindTo(registry);
                assertNotNull(registry.find("mongodb.driver.pool.size").gauge(), "pool created before binding not told");
                assertTrue(registry.get("mongodb.driver.pool.size").gauge().value() >= 1, "connections before binding");
                store.insert(StoreOutageContract.outageSession("u-" + UUID.randomUUID()));
                // the store writes with update (upserts, pipelines); the command listener times them
                assertTrue(registry.get("mongodb.driver.commands").tag("command", "update").timer().count() >= 1);
                assertEquals(0, registry.get("mongodb.driver.pool.checkedout").gauge().value());
            }
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    void jdbcHikariPoolMetersOnPostgres() throws Exception {
        String table = JdbcTestDatabase.newTable("meters");
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (JdbcSessionStore store = SessionStores.jdbc(JdbcTestDatabase.POSTGRES.settings(table),
                TouchResolution.DEFAULT, Clock.systemUTC())) {
            assertTrue(prometheus.scrape().lines().noneMatch(l -> l.startsWith("hikaricp_")), "no meters before binding");
            StoreMeters.of(new MeteredSessionStore(store, new StoreOutageLog("jdbc", Clock.systemUTC()), prometheus))
                    .bindTo(prometheus);
            store.insert(StoreOutageContract.outageSession("u-" + UUID.randomUUID()));
            var pool = prometheus.get("hikaricp.connections.max").tag("pool", "session-store-jdbc").gauge();
            assertEquals(4, pool.value(), "the settings' poolSize");
            assertEquals(0, prometheus.get("hikaricp.connections.active").gauge().value(), "every connection back");
            assertTrue(prometheus.get("hikaricp.connections.usage").timer().count() >= 1, "the insert's borrowing timed");
            String scrape = prometheus.scrape();
            for (String series : List.of("hikaricp_connections_active", "hikaricp_connections_idle",
                    "hikaricp_connections_pending", "hikaricp_connections_max", "hikaricp_connections_timeout_total",
                    "hikaricp_connections_acquire_seconds_count")) {
                assertTrue(scrape.contains(series + "{"), series + " missing from /metrics:\n" + scrape);
            }
        } finally {
            JdbcTestDatabase.POSTGRES.drop(table);
        }
    }

    @Test
    void theMemoryStoreOffersNone() {
        try (SessionStore store = new MemorySessionStore(Clock.systemUTC(), 100)) {
            StoreMeters.of(store).bindTo(registry);
            assertTrue(registry.getMeters().isEmpty(), registry.getMetersAsString());
        }
    }

    private double gauge(String name, String tag, String value) {
        var search = registry.find(name).tag("store", "redis");
        if (tag != null) {
            search = search.tag(tag, value);
        }
        return search.gauge().value();
    }

    private double counter(String name, String result) {
        return registry.get(name).tag("result", result).functionCounter().count();
    }
}
