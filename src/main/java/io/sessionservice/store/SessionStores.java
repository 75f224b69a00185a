package io.sessionservice.store;

import com.couchbase.client.core.env.PasswordAuthenticator;
import com.couchbase.client.core.error.CouchbaseException;
import com.couchbase.client.java.Bucket;
import com.couchbase.client.java.Cluster;
import io.sessionservice.config.ConfigException;
import io.sessionservice.config.CouchbaseSettings;
import io.sessionservice.config.MongoSettings;
import io.sessionservice.config.RedisSettings;
import io.sessionservice.config.ServiceConfig;
import io.sessionservice.core.SessionStore;
import io.sessionservice.store.couchbase.CouchbaseSessionStore;
import io.sessionservice.store.memory.MemorySessionStore;
import io.sessionservice.store.mongo.MongoSessionStore;
import io.sessionservice.store.redis.RedisConnection;
import io.sessionservice.store.redis.RedisSessionStore;
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
 * Opens the store that {@code repository.type} (or {@code SESSION_STORE}) names: the one place that
 * turns configuration into a store. Each store is handed a ready client (or connector), its options
 * and the clock; none of them reads configuration.
 */
public final class SessionStores {

    private SessionStores() {
    }

    public static SessionStore open(ServiceConfig config, Clock clock) {
        return switch (config.storeType()) {
            case "memory" -> new MemorySessionStore(clock,
                    config.memoryMaxSessions(MemorySessionStore.DEFAULT_MAX_SESSIONS));
            case "mongodb" -> mongo(config.mongo(), clock);
            case "redis" -> redis(config.redis(), clock);
            case "couchbase" -> couchbase(config.couchbase(), clock);
            default -> throw new ConfigException("Unknown session store '" + config.storeType()
                    + "': set repository.type or SESSION_STORE to memory, redis, mongodb or couchbase");
        };
    }

    public static MongoSessionStore mongo(MongoSettings settings, Clock clock) {
        return new MongoSessionStore(MongoSessionStore.settings(settings.connection(), settings.timeout()),
                settings.database(), settings.collection(), clock);
    }

    public static RedisSessionStore redis(RedisSettings settings, Clock clock) {
        return new RedisSessionStore(redisConnection(settings), clock);
    }

    public static CouchbaseSessionStore couchbase(CouchbaseSettings settings, Clock clock) {
        Cluster cluster;
        try {
            cluster = CouchbaseSessionStore.cluster(settings.connectionString(),
                    PasswordAuthenticator.create(settings.username(), settings.password()), settings.timeout(), env -> { });
        } catch (CouchbaseException e) {
            throw new ConfigException("Cannot use the Couchbase connection string: " + e.getMessage(), e);
        }
        Bucket bucket = cluster.bucket(settings.bucket());
        return new CouchbaseSessionStore(bucket, bucket.scope(settings.scope()).collection(settings.collection()),
                clock, settings.timeout(), cluster::disconnect);
    }

    /**
     * Jedis clients for the settings: connect and command timeouts, the wait for a pooled connection
     * and (Cluster) all retries of one command are bounded by the store timeout.
     */
    static RedisConnection redisConnection(RedisSettings settings) {
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
                    true, settings.keyPrefix());
        }
        URI uri = settings.url();
        HostAndPort address = JedisURIHelper.getHostAndPort(uri);
        DefaultJedisClientConfig clientConfig = client
                .user(JedisURIHelper.getUser(uri)).password(JedisURIHelper.getPassword(uri))
                .database(JedisURIHelper.getDBIndex(uri)).ssl(JedisURIHelper.isRedisSSLScheme(uri)).build();
        return new RedisConnection(() -> RedisClient.builder().hostAndPort(address).clientConfig(clientConfig)
                .poolConfig(pool).build(), false, settings.keyPrefix());
    }
}
