package io.sessionservice.store;

import io.sessionservice.config.ConfigException;
import io.sessionservice.config.ServiceConfig;
import io.sessionservice.core.SessionStore;
import io.sessionservice.store.couchbase.CouchbaseSessionStore;
import io.sessionservice.store.memory.MemorySessionStore;
import io.sessionservice.store.mongo.MongoSessionStore;
import io.sessionservice.store.redis.RedisSessionStore;
import java.time.Clock;

/** Opens the store that {@code repository.type} (or {@code SESSION_STORE}) names. */
public final class SessionStores {

    private SessionStores() {
    }

    public static SessionStore open(ServiceConfig config, Clock clock) {
        return switch (config.storeType()) {
            case "memory" -> new MemorySessionStore(clock,
                    config.memoryMaxSessions(MemorySessionStore.DEFAULT_MAX_SESSIONS));
            case "mongodb" -> MongoSessionStore.open(config, clock);
            case "redis" -> RedisSessionStore.open(config, clock);
            case "couchbase" -> CouchbaseSessionStore.open(config, clock);
            default -> throw new ConfigException("Unknown session store '" + config.storeType()
                    + "': set repository.type or SESSION_STORE to memory, redis, mongodb or couchbase");
        };
    }
}
