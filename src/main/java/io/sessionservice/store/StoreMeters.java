package io.sessionservice.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.sessionservice.core.SessionStore;
import io.sessionservice.store.jdbc.JdbcMeters;
import io.sessionservice.store.jdbc.JdbcSessionStore;
import io.sessionservice.store.mongo.MongoMeters;
import io.sessionservice.store.mongo.MongoSessionStore;
import io.sessionservice.store.redis.RedisMeters;
import io.sessionservice.store.redis.RedisSessionStore;

/**
 * The seam through which a store offers meters of its own (connection pool, driver, local cache): a
 * {@link MeterBinder} beside the store in its package, which the service's runtime binds to its
 * registry once the store is open. A store with nothing to offer gets a binder that binds nothing.
 *
 * <p>Why a binder beside the store, not a method on it: SessionAuthFilter runs the same store classes
 * without Micrometer on its class path (target/filter-lib), so the store classes themselves must not
 * name a Micrometer type; only this class and the binders do, and only the service loads them.
 *
 * <p>A new store plugs in with one binder and one line here (the JDBC store's: HikariCP's Micrometer
 * tracker, {@code JdbcMeters}).
 */
public final class StoreMeters {

    private StoreMeters() {
    }

    /**
     * The binder of {@code store}'s own meters. Couchbase offers none: its SDK multiplexes one KV
     * connection per node (no pool to gauge) and reports through its own RequestTracer/Meter API, which
     * needs the separate metrics-micrometer module wired into the ClusterEnvironment at build time;
     * {@code session_store_operations_seconds} times its operations as for every store.
     */
    public static MeterBinder of(SessionStore store) {
        SessionStore own = store instanceof MeteredSessionStore metered ? metered.measured() : store;
        if (own instanceof RedisSessionStore redis) {
            return new RedisMeters(redis);
        }
        if (own instanceof MongoSessionStore mongo) {
            return new MongoMeters(mongo);
        }
        if (own instanceof JdbcSessionStore jdbc) {
            return new JdbcMeters(jdbc);
        }
        return StoreMeters::none;
    }

    private static void none(MeterRegistry registry) {
        // memory (the sessions_live gauge is the service's) and couchbase: nothing of their own
    }
}
