package io.sessionservice.store.redis;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;
import org.apache.commons.pool2.impl.GenericObjectPool;

/**
 * The Redis store's own meters: its Jedis connection pools (commons-pool2's numActive, numIdle,
 * numWaiters, maxTotal; summed over the nodes of a Cluster, so the series stay fixed while nodes
 * come and go) and its local cache's hits, misses and evictions (0 while the cache is off).
 * The pools' JMX is off (several webapps share a JVM), so the gauges read the pools directly.
 */
public final class RedisMeters implements MeterBinder {

    private static final String POOLED = "Pooled connections by state (active: in use, idle: ready)";

    private final RedisSessionStore store;

    public RedisMeters(RedisSessionStore store) {
        this.store = store;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        pool(registry, "session_store_pool_connections", "state", "active",
                POOLED, GenericObjectPool::getNumActive);
        pool(registry, "session_store_pool_connections", "state", "idle",
                POOLED, GenericObjectPool::getNumIdle);
        pool(registry, "session_store_pool_pending", null, null,
                "Threads waiting for a pooled connection", GenericObjectPool::getNumWaiters);
        pool(registry, "session_store_pool_max", null, null,
                "Most connections the pool opens", GenericObjectPool::getMaxTotal);
        cache(registry, "hit", s -> s.localCacheStats().hitCount());
        cache(registry, "miss", s -> s.localCacheStats().missCount());
        FunctionCounter.builder("session_store_cache_evictions", store, s -> s.localCacheStats().evictionCount())
                .description("Sessions the local cache dropped for room").tag("store", "redis").register(registry);
    }

    private void pool(MeterRegistry registry, String name, String tag, String value, String description,
                      ToDoubleFunction<GenericObjectPool<?>> figure) {
        Gauge.Builder<RedisSessionStore> gauge = Gauge.builder(name, store,
                        s -> s.connectionPools().stream().mapToDouble(figure).sum())
                .description(description).tag("store", "redis");
        if (tag != null) {
            gauge.tag(tag, value);
        }
        gauge.register(registry);
    }

    private void cache(MeterRegistry registry, String result, ToDoubleFunction<RedisSessionStore> count) {
        FunctionCounter.builder("session_store_cache_requests", store, count)
                .description("Local cache lookups by result (hit: answered locally, miss: went to Redis)")
                .tag("store", "redis").tag("result", result).register(registry);
    }
}
