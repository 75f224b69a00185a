package io.sessionservice.store.redis;

import io.sessionservice.config.RedisSettings;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.sessionservice.core.TouchResolution;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.Pool;

/**
 * Sessions in Redis, standalone or Cluster (Jedis, its own connection pools). A session is a hash
 * {@code <prefix>s:<token>} whose key expires with the session; a user's sessions are indexed in a
 * sorted set {@code <prefix>u:<userId>} scored by createdAt, so a page of them, newest first, costs
 * O(log n + limit); the index key's expiry is raised to its longest-living member's. Every write is
 * {@code session.lua} by EVALSHA (EVAL when the server lost its script cache), judging liveness by this
 * store's clock and checking a mutation's fixed owner and size limit before it writes anything. Data
 * values stay the JSON text Jackson wrote: Lua never decodes them.
 *
 * <p>Standalone, the script keeps the index itself (and the per-user cap, on insert), so every
 * operation is one command. In Cluster a session and its user's index sit in different slots: the
 * script touches only the session and {@link ClusterUserIndex} keeps the index with further commands
 * (before an insert, so no session is ever unindexed; after a change of owner or an index-bound
 * refresh; the cap after the insert). The README has the key layout and round-trip budget.
 *
 * <p>Parts: {@link SessionScript} (one typed call per script operation), {@link SessionHash} (the
 * hash layout), a {@link UserIndexStrategy} per topology, {@link RedisCommands} (client, failures).
 */
public final class RedisSessionStore implements SessionStore {

    private final RedisCommands redis;
    private final SessionScript script;
    private final UserIndexStrategy userIndex;
    private final RedisKeys keys;
    private final Clock clock;
    private final TouchResolution touchResolution;
    private final LocalSessionCache cache; // null when off
    private final SlotTokens slotTokens; // Cluster only

    /**
     * What the store is told besides its connection.
     *
     * @param touchResolution when a touch must write (the service's {@code touchResolutionSec})
     * @param localCache      how many sessions to keep read locally ({@code repository.redis.localCache}; 0 = off)
     */
    public record Options(TouchResolution touchResolution, int localCache) {
    }

    /** A store with the default touch resolution and local cache. */
    public RedisSessionStore(RedisConnection connection, Clock clock) {
        this(connection, TouchResolution.DEFAULT, clock);
    }

    /** A store with this touch resolution and the default local cache. */
    public RedisSessionStore(RedisConnection connection, TouchResolution touchResolution, Clock clock) {
        this(connection, clock, new Options(touchResolution, RedisSettings.DEFAULT_LOCAL_CACHE));
    }

    /** A store on a connection factory: nothing connects before the first operation. */
    public RedisSessionStore(RedisConnection connection, Clock clock, Options options) {
        this.redis = new RedisCommands(connection.connector());
        this.keys = RedisKeys.under(connection.keyPrefix());
        this.clock = clock;
        this.touchResolution = options.touchResolution();
        this.cache = options.localCache() == 0 ? null : new LocalSessionCache(options.localCache(), clock,
                listener -> new ServerInvalidations(() -> nodes(connection), connection.clientConfig(),
                        keys.sessionPrefix(), listener));
        this.script = new SessionScript(redis, keys, clock, !connection.cluster(), touchResolution);
        this.slotTokens = connection.cluster() ? new SlotTokens(keys) : null;
        this.userIndex = connection.cluster()
                ? new ClusterUserIndex(redis, keys, script, clock)
                : new ScriptUserIndex(script, clock);
    }

    @Override
    public boolean insert(Session s, int maxSessionsPerUser) {
        try {
            return userIndex.insert(s, maxSessionsPerUser);
        } finally {
            if (cache != null) {
                cache.invalidated(s.token());
                if (s.userId() != null && maxSessionsPerUser != Integer.MAX_VALUE) {
                    cache.invalidateUser(s.userId()); // the cap may have ended some of the user's sessions
                }
            }
        }
    }

    @Override
    public Optional<Session> find(String token, boolean touch) {
        Session cached = cache == null ? null : cache.get(token);
        // A cached session answers unless this access must write a new expiry (Session's own rule).
        if (cached != null && cached.expiryAfterAccess(clock.instant(), touch, touchResolution)
                .equals(cached.expiresAt())) {
            return Optional.of(cached);
        }
        return cache == null ? read(token, touch) : cache.fill(token, () -> read(token, touch));
    }

    private Optional<Session> read(String token, boolean touch) {
        if (!touch) {
            return Optional.ofNullable(SessionHash.parse(token, redis.call(c -> c.hgetAll(keys.session(token))),
                    clock.millis()));
        }
        return settled(token, script.touch(token));
    }

    @Override
    public Optional<Session> update(String token, Mutation mutation, boolean touch) {
        try {
            return settled(token, script.update(token, mutation, touch));
        } finally {
            invalidateHere(token);
        }
    }

    @Override
    public boolean delete(String token) {
        try {
            return script.delete(token, null);
        } finally {
            invalidateHere(token);
        }
    }

    /**
     * One script: the hash moves (RENAME), the old token keeps a read-only copy during the grace, the
     * standalone index follows. In Cluster the new token is issued into the old key's slot
     * ({@link #newTokenFor}) and, with an owner, one {@code index_add} puts it in the user's index after.
     */
    @Override
    public Optional<Session> rotate(String token, String newToken, Instant oldUntil) {
        try {
            return settled(newToken, script.rotate(token, newToken, oldUntil == null ? 0 : oldUntil.toEpochMilli()));
        } finally {
            invalidateHere(token);
            invalidateHere(newToken);
        }
    }

    @Override
    public String newTokenFor(String token) {
        return slotTokens == null ? SessionStore.super.newTokenFor(token) : slotTokens.sameSlotAs(token);
    }

    @Override
    public boolean canRotateTo(String token, String newToken) {
        return slotTokens == null || slotTokens.sameSlot(token, newToken);
    }

    @Override
    public List<Session> findByUser(String userId, PageStart start, int limit) {
        return limit < 1 ? List.of() : userIndex.page(userId, start, limit);
    }

    @Override
    public int deleteByUser(String userId) {
        try {
            return userIndex.deleteAll(userId);
        } finally {
            if (cache != null) {
                cache.invalidateUser(userId);
            }
        }
    }

    @Override
    public void ping() {
        redis.call(UnifiedJedis::ping);
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.close();
        }
        redis.close();
    }

    /** The local cache's hits, misses and evictions ({@link CacheStats#empty()} when it is off). */
    public CacheStats localCacheStats() {
        return cache == null ? CacheStats.empty() : cache.stats();
    }

    /**
     * The client's connection pools (one, or one per Cluster node; none before the first operation
     * connects), which {@link RedisMeters} reads for the pool gauges.
     */
    public Collection<? extends Pool<Connection>> connectionPools() {
        return redis.pools().values();
    }

    /** The local cache (null when off), for tests of its races. */
    LocalSessionCache localCache() {
        return cache;
    }

    /** Whether the local cache answers now: on, subscribed on every node, heard from lately. */
    boolean localCacheTrusted() {
        return cache != null && cache.trusted();
    }

    /** The local cache's invalidation connections' ids by node (-1 while down): tests cut them. */
    Map<HostAndPort, Long> invalidationClientIds() {
        return cache == null ? Map.of() : cache.invalidationClientIds();
    }

    /**
     * This instance's own writes are seen by its next read at once, not when their invalidation
     * message comes back.
     */
    private void invalidateHere(String token) {
        if (cache != null) {
            cache.invalidated(token);
        }
    }

    /** The nodes whose changes the local cache must hear of: the server, or every Cluster node known. */
    private Set<HostAndPort> nodes(RedisConnection connection) {
        if (!connection.cluster()) {
            return Set.of(connection.address());
        }
        return redis.call(c -> ((RedisClusterClient) c).getClusterNodes().keySet().stream()
                .map(HostAndPort::from).collect(Collectors.toSet()));
    }

    /** The session a script left, after applying its index hint (Cluster: the user's index bound was due). */
    private Optional<Session> settled(String token, SessionScript.Settled settled) {
        if (settled == null) {
            return Optional.empty();
        }
        if (settled.hintUser() != null) {
            script.indexAdd(settled.hintUser(), token, settled.hash().get("created"), settled.hintBound());
        }
        return Optional.ofNullable(SessionHash.parse(token, settled.hash(), clock.millis()));
    }
}
