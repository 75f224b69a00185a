package io.sessionservice.store.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import com.github.benmanes.caffeine.cache.stats.StatsCounter;
import io.sessionservice.core.Session;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import redis.clients.jedis.HostAndPort;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Sessions this process read recently (Caffeine, bounded by count), answered only while {@code trusted}
 * says Redis's invalidation messages are reaching {@link #invalidated}/{@link #flushed}, and only
 * while live by the store's clock. Unknown tokens are never kept: a flood of made-up tokens cannot
 * push the real ones out.
 *
 * <p>The fill race: a read sent before a change can come back after that change's invalidation was
 * handled. So a read first puts a placeholder of its own under the token, and its result replaces that
 * exact placeholder only if nothing removed it meanwhile; every invalidation removes whatever the
 * token holds, placeholder or session, so it voids a read still in flight.
 */
final class LocalSessionCache implements ServerInvalidations.Listener, AutoCloseable {

    /** A cached session, or (session == null) a read in flight: compared by identity. */
    private static final class Entry {
        final Session session;

        Entry(Session session) {
            this.session = session;
        }
    }

    private final ConcurrentMap<String, Entry> entries;
    private final Cache<String, Entry> cache;
    private final StatsCounter stats = new ConcurrentStatsCounter();
    private final Clock clock;
    private final ServerInvalidations invalidations;
    private final BooleanSupplier trusted;

    /** {@code source}: the invalidations that keep this cache, given the cache to report to. */
    LocalSessionCache(int maxSessions, Clock clock, Function<ServerInvalidations.Listener, ServerInvalidations> source) {
        this.cache = Caffeine.newBuilder().maximumSize(maxSessions).recordStats(() -> stats).build();
        this.entries = cache.asMap(); // its get/replace record no stats: hits and misses are counted here
        this.clock = clock;
        this.invalidations = source.apply(this);
        this.trusted = invalidations::trusted;
    }

    /** The cached live session, or null (absent, expired by the store's clock, or not trusted now). */
    Session get(String token) {
        if (!trusted.getAsBoolean()) {
            return null; // not counted: the cache is not being asked
        }
        Entry e = entries.get(token);
        if (e == null || e.session == null) {
            stats.recordMisses(1);
            return null;
        }
        if (e.session.expiresAt().toEpochMilli() <= clock.millis()) {
            entries.remove(token, e);
            stats.recordMisses(1);
            return null;
        }
        stats.recordHits(1);
        return e.session;
    }

    /**
     * Runs a read of the token in Redis and keeps its session, unless an invalidation (or a flush)
     * came while it ran, the invalidations are not trusted, or another read of it is already in flight.
     * A cached session of the token is dropped first: the read is about to write it (a touch).
     */
    Optional<Session> fill(String token, Supplier<Optional<Session>> read) {
        Entry cached = entries.get(token);
        if (cached != null && cached.session != null) {
            entries.remove(token, cached);
        }
        Entry mine = new Entry(null);
        Entry placeholder = trusted.getAsBoolean() && entries.putIfAbsent(token, mine) == null ? mine : null;
        Optional<Session> found;
        try {
            found = read.get();
        } catch (RuntimeException e) {
            if (placeholder != null) {
                entries.remove(token, placeholder);
            }
            throw e;
        }
        if (placeholder != null) {
            if (found.isPresent()) {
                entries.replace(token, placeholder, new Entry(found.get()));
            } else {
                entries.remove(token, placeholder);
            }
        }
        return found;
    }

    /** Drops every cached session of the user and every read in flight (this process ended the user's sessions). */
    void invalidateUser(String userId) {
        entries.values().removeIf(e -> e.session == null || userId.equals(e.session.userId()));
    }

    @Override
    public void invalidated(String token) {
        cache.invalidate(token);
    }

    @Override
    public void flushed() {
        cache.invalidateAll();
    }

    /** Hits, misses and evictions so far (Caffeine's stats: issue 14 binds them to Micrometer). */
    CacheStats stats() {
        return stats.snapshot();
    }

    long size() {
        return cache.estimatedSize();
    }

    /** Whether the token has an entry, session or read in flight (tests of the fill race). */
    boolean holds(String token) {
        return entries.containsKey(token);
    }

    boolean trusted() {
        return trusted.getAsBoolean();
    }

    Map<HostAndPort, Long> invalidationClientIds() {
        return invalidations.clientIds();
    }

    @Override
    public void close() {
        invalidations.close();
    }
}
