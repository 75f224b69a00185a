package io.sessionservice.store.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionservice.config.ConfigException;
import io.sessionservice.config.ServiceConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * How to reach Redis, from {@code repository.redis}: {@code clusterNodes} (host:port,...) selects
 * Redis Cluster, else {@code url} (default redis://127.0.0.1:6379); optional {@code keyPrefix},
 * {@code poolSize}, {@code clientName}, and {@code user}/{@code password} for Cluster. Connect and
 * command timeouts, the wait for a pooled connection and (Cluster) all retries of one command are
 * bounded by {@code repository.timeoutMs}. The connector builds the client; nothing connects before.
 *
 * @param connector builds the pooled client (Cluster: discovers the slots, so it may fail)
 * @param cluster   whether it is a Redis Cluster
 * @param keyPrefix put before every key
 */
record RedisConnection(Supplier<UnifiedJedis> connector, boolean cluster, String keyPrefix) {

    static final String DEFAULT_URL = "redis://127.0.0.1:6379";
    static final String DEFAULT_PREFIX = "session-service:";
    static final int DEFAULT_POOL_SIZE = 32;

    static RedisConnection of(ServiceConfig config) {
        JsonNode section = config.storeSection("redis");
        String prefix = section.path("keyPrefix").asText(DEFAULT_PREFIX);
        if (prefix.contains("{") || prefix.contains("}")) {
            throw new ConfigException("repository.redis.keyPrefix must not contain '{' or '}' (a hash tag "
                    + "would put every key in one Cluster slot)");
        }
        int poolSize = section.path("poolSize").asInt(DEFAULT_POOL_SIZE);
        if (poolSize < 1) {
            throw new ConfigException("repository.redis.poolSize must be a positive whole number");
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        pool.setMaxWait(config.storeTimeout());
        pool.setJmxEnabled(false); // several webapps in one JVM; nothing to unregister on undeploy
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, config.storeTimeout().toMillis());
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder().resp2()
                .connectionTimeoutMillis(timeoutMs).socketTimeoutMillis(timeoutMs)
                .clientName(section.path("clientName").asText("session-service"));

        String nodes = section.path("clusterNodes").asText("").trim();
        if (!nodes.isEmpty()) {
            Set<HostAndPort> seeds = Arrays.stream(nodes.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .map(RedisConnection::hostAndPort).collect(Collectors.toSet());
            DefaultJedisClientConfig clientConfig = client
                    .user(textOrNull(section, "user")).password(textOrNull(section, "password")).build();
            return new RedisConnection(() -> RedisClusterClient.builder().nodes(seeds).clientConfig(clientConfig)
                    .poolConfig(pool).maxAttempts(3).maxTotalRetriesDuration(config.storeTimeout()).build(),
                    true, prefix);
        }
        URI uri = redisUri(section.path("url").asText(DEFAULT_URL).trim());
        HostAndPort address = JedisURIHelper.getHostAndPort(uri);
        DefaultJedisClientConfig clientConfig = client
                .user(JedisURIHelper.getUser(uri)).password(JedisURIHelper.getPassword(uri))
                .database(JedisURIHelper.getDBIndex(uri)).ssl(JedisURIHelper.isRedisSSLScheme(uri)).build();
        return new RedisConnection(() -> RedisClient.builder().hostAndPort(address).clientConfig(clientConfig)
                .poolConfig(pool).build(), false, prefix);
    }

    private static URI redisUri(String url) {
        try {
            URI uri = new URI(url);
            if (JedisURIHelper.isValid(uri) && (JedisURIHelper.isRedisScheme(uri) || JedisURIHelper.isRedisSSLScheme(uri))) {
                return uri;
            }
        } catch (URISyntaxException | RuntimeException e) {
            // reported below, without echoing the URL: it may hold a password
        }
        throw new ConfigException("REDIS_URL / repository.redis.url must be redis://[user:pass@]host:port[/db]");
    }

    private static HostAndPort hostAndPort(String node) {
        try {
            return HostAndPort.from(node);
        } catch (RuntimeException e) {
            throw new ConfigException("REDIS_CLUSTER_NODES must be host:port,host:port,... (got '" + node + "')");
        }
    }

    private static String textOrNull(JsonNode section, String field) {
        String v = section.path(field).asText("");
        return v.isEmpty() ? null : v;
    }
}
