package io.sessionservice.store.redis;

import io.sessionservice.config.RedisSettings;
import io.sessionservice.core.TouchResolution;
import java.net.URI;
import java.time.Clock;
import java.util.Set;
import java.util.stream.Collectors;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Opens the Redis store from its settings. Apart from SessionStores so that only this class links
 * Jedis: SessionStores loads it only when the Redis store is chosen.
 */
public final class RedisStores {

    private RedisStores() {
    }

    public static RedisSessionStore open(RedisSettings settings, TouchResolution touch, Clock clock) {
        return new RedisSessionStore(connection(settings), clock,
                new RedisSessionStore.Options(touch, settings.localCache()));
    }

    /**
     * Jedis clients for the settings: connect and command timeouts, the wait for a pooled connection
     * and (Cluster) all retries of one command are bounded by the store timeout.
     */
    static RedisConnection connection(RedisSettings settings) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(settings.poolSize());
        pool.setMaxIdle(settings.poolSize());
        pool.setMaxWait(settings.timeout());
        pool.setJmxEnabled(false); // several webapps in one JVM; nothing to unregister on undeploy
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder().resp2()
                .connectionTimeoutMillis(timeoutMs).socketTimeoutMillis(timeoutMs).clientName(settings.clientName());
        if (settings.cluster()) {
            Set<HostAndPort> seeds = settings.clusterNodes().stream().map(HostAndPort::from).collect(Collectors.toSet());
            DefaultJedisClientConfig clientConfig = client.user(settings.user()).password(settings.password()).build();
            return new RedisConnection(() -> RedisClusterClient.builder().nodes(seeds).clientConfig(clientConfig)
                    .poolConfig(pool).maxAttempts(3).maxTotalRetriesDuration(settings.timeout()).build(),
                    true, settings.keyPrefix(), clientConfig, null);
        }
        URI uri = settings.url();
        HostAndPort address = JedisURIHelper.getHostAndPort(uri);
        DefaultJedisClientConfig clientConfig = client
                .user(JedisURIHelper.getUser(uri)).password(JedisURIHelper.getPassword(uri))
                .database(JedisURIHelper.getDBIndex(uri)).ssl(JedisURIHelper.isRedisSSLScheme(uri)).build();
        return new RedisConnection(() -> RedisClient.builder().hostAndPort(address).clientConfig(clientConfig)
                .poolConfig(pool).build(), false, settings.keyPrefix(), clientConfig, address);
    }
}
