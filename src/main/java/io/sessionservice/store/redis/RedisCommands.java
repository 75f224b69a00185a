package io.sessionservice.store.redis;

import io.sessionservice.core.StoreUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.Pool;

/**
 * Runs commands on the lazily connected client: every Jedis failure becomes a
 * {@link StoreUnavailableException} (without what the server quoted back: keys hold tokens), and a
 * connection failure drops the idle pooled connections, which may be stale.
 */
final class RedisCommands implements AutoCloseable {

    private final Supplier<UnifiedJedis> connector;
    private volatile UnifiedJedis client;

    RedisCommands(Supplier<UnifiedJedis> connector) {
        this.connector = connector;
    }

    <T> T call(Function<UnifiedJedis, T> command) {
        try {
            return command.apply(client());
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    <T> List<T> pipelined(Function<AbstractPipeline, List<T>> commands) {
        return call(c -> {
            try (AbstractPipeline p = c.pipelined()) {
                List<T> responses = commands.apply(p);
                p.sync();
                return responses;
            }
        });
    }

    <T> T get(Response<T> response) {
        try {
            return response.get();
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    /** The connection pools by node (host:port), none before the client connects: for the pool gauges. */
    Map<String, ? extends Pool<Connection>> pools() {
        UnifiedJedis c = client;
        if (c instanceof RedisClient standalone) {
            return Map.of("standalone", standalone.getPool());
        }
        if (c instanceof RedisClusterClient clustered) {
            return clustered.getClusterNodes();
        }
        return Map.of();
    }

    @Override
    public void close() {
        UnifiedJedis c = client;
        if (c != null) {
            c.close();
        }
    }

    private UnifiedJedis client() {
        UnifiedJedis c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    client = c = connector.get(); // Cluster: discovers the slots; retried until it succeeds
                }
            }
        }
        return c;
    }

    private StoreUnavailableException unavailable(JedisException e) {
        UnifiedJedis c = client;
        if (e instanceof JedisConnectionException || e instanceof JedisClusterOperationException) {
            if (c instanceof RedisClient standalone) {
                standalone.getPool().clear();
            } else if (c instanceof RedisClusterClient clustered) {
                clustered.getClusterNodes().values().forEach(pool -> pool.clear());
            }
        }
        // A server's error reply can quote what it was sent (keys hold tokens): keep only its code (OOM, ERR, …).
        String detail = e instanceof JedisDataException && e.getMessage() != null
                ? "server error " + e.getMessage().split(" ", 2)[0] : e.getMessage();
        return new StoreUnavailableException("Redis: " + detail, e);
    }
}
