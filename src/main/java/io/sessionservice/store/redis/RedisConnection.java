package io.sessionservice.store.redis;

import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;

/**
 * How the store reaches Redis: a connector that builds the pooled client (nothing connects before;
 * Cluster discovers the slots, so it may fail and is tried again on the next call), whether it is a
 * Redis Cluster, and the prefix put before every key. {@code SessionStores} builds it from the settings.
 *
 * @param connector builds the pooled client
 * @param cluster   whether it is a Redis Cluster
 * @param keyPrefix put before every key
 */
public record RedisConnection(Supplier<UnifiedJedis> connector, boolean cluster, String keyPrefix) {
}
