package io.sessionservice.store.redis;

import io.sessionservice.core.Mutation;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.TouchResolution;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

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

    /** A store on a connection factory with the default touch resolution. */
    public RedisSessionStore(RedisConnection connection, Clock clock) {
        this(connection, TouchResolution.DEFAULT, clock);
    }

    /**
     * A store on a connection factory: nothing connects before the first operation.
     * {@code touchResolution}: how far a touch may leave the expiry behind before it writes.
     */
    public RedisSessionStore(RedisConnection connection, TouchResolution touchResolution, Clock clock) {
        this.redis = new RedisCommands(connection.connector());
        this.keys = RedisKeys.under(connection.keyPrefix());
        this.clock = clock;
        this.script = new SessionScript(redis, keys, clock, !connection.cluster(), touchResolution);
        this.userIndex = connection.cluster()
                ? new ClusterUserIndex(redis, keys, script, clock)
                : new ScriptUserIndex(script, clock);
    }

    @Override
    public boolean insert(Session s, int maxSessionsPerUser) {
        return userIndex.insert(s, maxSessionsPerUser);
    }

    @Override
    public Optional<Session> find(String token, boolean touch) {
        if (!touch) {
            return Optional.ofNullable(SessionHash.parse(token, redis.call(c -> c.hgetAll(keys.session(token))),
                    clock.millis()));
        }
        return settled(token, script.touch(token));
    }

    @Override
    public Optional<Session> update(String token, Mutation mutation, boolean touch) {
        return settled(token, script.update(token, mutation, touch));
    }

    @Override
    public boolean delete(String token) {
        return script.delete(token, null);
    }

    @Override
    public List<Session> findByUser(String userId, PageStart start, int limit) {
        return limit < 1 ? List.of() : userIndex.page(userId, start, limit);
    }

    @Override
    public int deleteByUser(String userId) {
        return userIndex.deleteAll(userId);
    }

    @Override
    public void ping() {
        redis.call(UnifiedJedis::ping);
    }

    @Override
    public void close() {
        redis.close();
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
