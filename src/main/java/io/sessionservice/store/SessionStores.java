package io.sessionservice.store;

import io.sessionservice.config.ConfigException;
import io.sessionservice.config.CouchbaseSettings;
import io.sessionservice.config.JdbcSettings;
import io.sessionservice.config.MongoSettings;
import io.sessionservice.config.RedisSettings;
import io.sessionservice.config.ServiceConfig;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.TouchResolution;
import io.sessionservice.store.couchbase.CouchbaseSessionStore;
import io.sessionservice.store.couchbase.CouchbaseStores;
import io.sessionservice.store.jdbc.JdbcSessionStore;
import io.sessionservice.store.jdbc.JdbcStores;
import io.sessionservice.store.memory.MemorySessionStore;
import io.sessionservice.store.mongo.MongoSessionStore;
import io.sessionservice.store.mongo.MongoStores;
import io.sessionservice.store.redis.RedisSessionStore;
import io.sessionservice.store.redis.RedisStores;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Opens the store that {@code repository.type} (or {@code SESSION_STORE}) names: the one place that
 * turns configuration into a store. Each store is handed a ready client (or connector), its options,
 * the touch resolution ({@code touchResolutionSec}) and the clock; none of them reads configuration.
 *
 * <p>No driver class is named here: each store's construction lives in its package's {@code *Stores}
 * class, which the JVM loads only when that store is chosen. So SessionAuthFilter runs on
 * target/filter-lib/common plus the one store directory it uses, and a missing directory is named.
 */
public final class SessionStores {

    private SessionStores() {
    }

    public static SessionStore open(ServiceConfig config, Clock clock) {
        TouchResolution touch = config.touchResolution();
        return switch (config.storeType()) {
            case "memory" -> new MemorySessionStore(clock,
                    config.memoryMaxSessions(MemorySessionStore.DEFAULT_MAX_SESSIONS), touch);
            case "mongodb" -> withDriver("mongodb", "com.mongodb.client.MongoClient",
                    () -> mongo(config.mongo(), touch, clock));
            case "redis" -> withDriver("redis", "redis.clients.jedis.UnifiedJedis",
                    () -> redis(config.redis(), touch, clock));
            case "couchbase" -> withDriver("couchbase", "com.couchbase.client.java.Cluster",
                    () -> couchbase(config.couchbase(), touch, clock));
            case "jdbc" -> withDriver("jdbc", "com.zaxxer.hikari.HikariDataSource",
                    () -> jdbc(config.jdbc(), touch, clock));
            default -> throw new ConfigException("Unknown session store '" + config.storeType()
                    + "': set repository.type or SESSION_STORE to memory, redis, mongodb, couchbase or jdbc");
        };
    }

    public static MongoSessionStore mongo(MongoSettings settings, TouchResolution touch, Clock clock) {
        return MongoStores.open(settings, touch, clock);
    }

    public static MongoSessionStore mongo(MongoSettings settings, Clock clock) {
        return mongo(settings, TouchResolution.DEFAULT, clock);
    }

    public static RedisSessionStore redis(RedisSettings settings, TouchResolution touch, Clock clock) {
        return RedisStores.open(settings, touch, clock);
    }

    /** A Redis store with the default touch resolution (tests and tools; the service passes its setting). */
    public static RedisSessionStore redis(RedisSettings settings, Clock clock) {
        return redis(settings, TouchResolution.DEFAULT, clock);
    }

    public static CouchbaseSessionStore couchbase(CouchbaseSettings settings, TouchResolution touch, Clock clock) {
        return CouchbaseStores.open(settings, touch, clock);
    }

    public static CouchbaseSessionStore couchbase(CouchbaseSettings settings, Clock clock) {
        return couchbase(settings, TouchResolution.DEFAULT, clock);
    }

    /** The JDBC store (PostgreSQL, MariaDB or an H2 file) on its own pool, with its expired-row sweeper. */
    public static JdbcSessionStore jdbc(JdbcSettings settings, TouchResolution touch, Clock clock) {
        return JdbcStores.open(settings, touch, clock);
    }

    public static JdbcSessionStore jdbc(JdbcSettings settings, Clock clock) {
        return jdbc(settings, TouchResolution.DEFAULT, clock);
    }

    /**
     * Opens a store whose client library may be absent (a webapp given filter-lib/common alone):
     * then a ConfigException naming the directory to add, not a NoClassDefFoundError from deep inside.
     */
    private static SessionStore withDriver(String type, String driverClass, Supplier<SessionStore> open) {
        try {
            Class.forName(driverClass, false, SessionStores.class.getClassLoader());
            return open.get();
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            throw new ConfigException("The " + type + " store's client library is not on the class path ("
                    + e.getMessage() + " is missing): with SessionAuthFilter, add the jars of target/filter-lib/"
                    + type + " next to those of filter-lib/common", e);
        }
    }
}
