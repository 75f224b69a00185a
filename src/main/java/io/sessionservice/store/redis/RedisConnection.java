package io.sessionservice.store.redis;

import java.util.function.Supplier;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.UnifiedJedis;

/**
 * How the store reaches Redis: a connector that builds the pooled client (nothing connects before;
 * Cluster discovers the slots, so it may fail and is tried again on the next call), whether it is a
 * Redis Cluster, and the prefix put before every key. {@code SessionStores} builds it from the settings.
 * The local cache's invalidation connections are opened with {@code clientConfig} on {@code address}
 * (standalone) or on every node the Cluster client knows.
 *
 * @param connector    builds the pooled client
 * @param cluster      whether it is a Redis Cluster
 * @param keyPrefix    put before every key
 * @param clientConfig how a single connection authenticates, times out and names itself
 * @param address      the standalone server; null for Cluster
 */
public record RedisConnection(Supplier<UnifiedJedis> connector, boolean cluster, String keyPrefix,
                              JedisClientConfig clientConfig, HostAndPort address) {
}
