package io.sessionservice.store.redis;

import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Response;
import redis.clients.jedis.resps.Tuple;

/**
 * A user's index in Redis Cluster, read and cleaned by the client: the index ({@code <prefix>u:<user>},
 * tokens scored by createdAt, plus one {@code e:<token>} member per token at its expiry bound, far below)
 * sits in another slot than the sessions, so nothing here is atomic with the sessions' scripts.
 *
 * <p>A token whose session hash is missing or expired may be an insert under way (the index entry is
 * written first): readers leave it to {@code index_add}, which drops tokens whose bound has passed. A
 * token whose live session belongs to another user (moved) is dropped at once. The per-user cap is
 * enforced after the insert, by {@link #endOldestPast}: concurrent inserts may each see a different
 * set of sessions, so the cap holds once they are done, not at every instant in between.
 */
final class ClusterUserIndex implements UserIndexStrategy {

    /** Scores at or above: createdAt members; below: the expiry-bound members (session.lua's CREATED_MIN). */
    static final String CREATED_MIN = "-2251799813685248";
    private static final String BOUND = "e:";
    /** Tokens read per ZRANGE while paging. */
    private static final int BATCH = 100;

    private final RedisCommands redis;
    private final RedisKeys keys;
    private final SessionScript script;
    private final Clock clock;

    ClusterUserIndex(RedisCommands redis, RedisKeys keys, SessionScript script, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.script = script;
        this.clock = clock;
    }

    /**
     * Indexes first, so a crash in between leaves a stale entry, never an unindexed session; the bound
     * is the one session.lua keeps: the expiry, or 3 ttl ahead for sliding sessions. After an insert
     * refused because the token is live, the live session's own createdAt goes back into the index
     * (when it is the same user's); after one that took the index past the cap, the oldest end.
     */
    @Override
    public boolean insert(Session s, int maxSessionsPerUser) {
        if (s.userId() == null) {
            return script.insert(s, "", maxSessionsPerUser);
        }
        long exp = s.expiresAt().toEpochMilli();
        String bound = Long.toString(s.sliding() ? exp + 3000 * s.ttlSeconds() : exp);
        long indexed = script.indexAdd(s.userId(), s.token(), Long.toString(s.createdAt().toEpochMilli()), bound);
        boolean inserted = script.insert(s, bound, maxSessionsPerUser);
        if (!inserted) {
            restoreIndexScore(s.userId(), s.token());
        } else if (indexed > maxSessionsPerUser) {
            endOldestPast(s.userId(), maxSessionsPerUser);
        }
        return inserted;
    }

    private void restoreIndexScore(String userId, String token) {
        Map<String, String> hash = redis.call(c -> c.hgetAll(keys.session(token)));
        if (userId.equals(hash.get("user")) && hash.get("created") != null) {
            redis.call(c -> c.zadd(keys.index(userId), Double.parseDouble(hash.get("created")), token));
        }
    }

    /**
     * One page, newest first: batches of the index by score (a cursor of score and ties seen, so each
     * batch is O(log n)), each batch's sessions in one pipeline.
     */
    @Override
    public List<Session> page(String userId, PageStart start, int limit) {
        String key = keys.index(userId);
        List<Session> found = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        Map<String, Double> rescore = new HashMap<>();
        int toSkip = start.skip();
        long at = start.createdAtMillis();
        int seen = 0;
        int batch = (int) Math.min(BATCH, (long) limit + toSkip);
        while (found.size() < limit) {
            String max = Long.toString(at);
            int offset = seen;
            List<Tuple> entries = redis.call(c -> c.zrevrangeByScoreWithScores(key, max, CREATED_MIN, offset, batch));
            List<Response<Map<String, String>>> replies = redis.pipelined(
                    p -> entries.stream().map(e -> p.hgetAll(keys.session(e.getElement()))).toList());
            for (int i = 0; i < entries.size() && found.size() < limit; i++) {
                long score = (long) entries.get(i).getScore();
                String token = entries.get(i).getElement();
                if (score == at) {
                    seen++;
                } else {
                    at = score;
                    seen = 1;
                }
                Map<String, String> hash = redis.get(replies.get(i));
                Session s = SessionHash.parse(token, hash, clock.millis());
                if (s == null) {
                    continue; // deleted, expired, or an insert under way: index_add drops it once its bound passes
                }
                if (!userId.equals(s.userId()) || hash.containsKey("ro")) { // moved, or rotated away
                    moved.add(token);
                    continue;
                }
                if (s.createdAt().toEpochMilli() != score) {
                    rescore.put(token, (double) s.createdAt().toEpochMilli());
                }
                if (toSkip > 0 && score == start.createdAtMillis()) {
                    toSkip--;
                } else {
                    found.add(s);
                }
            }
            if (entries.size() < batch) {
                break;
            }
        }
        if (!moved.isEmpty()) {
            redis.call(c -> c.zrem(key, withBounds(moved)));
        }
        if (!rescore.isEmpty()) {
            redis.call(c -> c.zadd(key, rescore));
        }
        return found;
    }

    /** After an insert that took the index past {@code cap}: ends the user's oldest live sessions past it. */
    void endOldestPast(String userId, int cap) {
        List<String> tokens = redis.call(c -> c.zrevrangeByScore(keys.index(userId), "+inf", CREATED_MIN));
        List<Response<List<String>>> replies = redis.pipelined(
                p -> tokens.stream().map(t -> p.hmget(keys.session(t), "exp", "user", "ro")).toList());
        List<String> pastCap = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        int live = 0;
        long now = clock.millis();
        for (int i = 0; i < tokens.size(); i++) {
            List<String> m = redis.get(replies.get(i));
            if (m.get(0) == null || Long.parseLong(m.get(0)) <= now) {
                continue; // see page()
            }
            if (!userId.equals(m.get(1)) || m.get(2) != null) { // moved, or a rotation's read-only copy
                moved.add(tokens.get(i));
            } else if (++live > cap) {
                pastCap.add(tokens.get(i));
            }
        }
        List<String> drop = new ArrayList<>(moved);
        drop.addAll(deleteOwned(userId, pastCap));
        if (!drop.isEmpty()) {
            redis.call(c -> c.zrem(keys.index(userId), withBounds(drop)));
        }
    }

    /** Ends every live session of the user; their entries leave the index. */
    @Override
    public int deleteAll(String userId) {
        List<String> tokens = redis.call(c -> c.zrangeByScore(keys.index(userId), CREATED_MIN, "+inf"));
        List<String> ended = deleteOwned(userId, tokens);
        if (!ended.isEmpty()) {
            redis.call(c -> c.zrem(keys.index(userId), withBounds(ended)));
        }
        return ended.size();
    }

    /** Deletes the sessions among {@code tokens} that the user owns, in one pipeline; the tokens ended. */
    private List<String> deleteOwned(String userId, List<String> tokens) {
        List<Response<Object>> replies = redis.pipelined(
                p -> tokens.stream().map(t -> script.delete(p, t, userId)).toList());
        List<String> ended = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (script.deleted(replies.get(i), tokens.get(i), userId)) {
                ended.add(tokens.get(i));
            }
        }
        return ended;
    }

    /** The tokens with their expiry-bound members, for ZREM. */
    private static String[] withBounds(List<String> tokens) {
        List<String> members = new ArrayList<>();
        for (String t : tokens) {
            members.add(t);
            members.add(BOUND + t);
        }
        return members.toArray(String[]::new);
    }
}
