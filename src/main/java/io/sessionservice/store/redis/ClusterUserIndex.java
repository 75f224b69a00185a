package io.sessionservice.store.redis;

import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.StoreUnavailableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisNoScriptException;
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
final class ClusterUserIndex {

    /** Scores at or above: createdAt members; below: the expiry-bound members (session.lua's CREATED_MIN). */
    static final String CREATED_MIN = "-2251799813685248";
    private static final String BOUND = "e:";
    /** Tokens read per ZRANGE while paging. */
    private static final int BATCH = 100;

    private final RedisSessionStore store;

    ClusterUserIndex(RedisSessionStore store) {
        this.store = store;
    }

    /**
     * One page, newest first: batches of the index by score (a cursor of score and ties seen, so each
     * batch is O(log n)), each batch's sessions in one pipeline.
     */
    List<Session> page(String userId, PageStart start, int limit) {
        String key = store.indexKey(userId);
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
            List<Tuple> entries = store.call(c -> c.zrevrangeByScoreWithScores(key, max, CREATED_MIN, offset, batch));
            List<Response<Map<String, String>>> replies = store.pipelined(
                    p -> entries.stream().map(e -> p.hgetAll(store.sessionKey(e.getElement()))).toList());
            for (int i = 0; i < entries.size() && found.size() < limit; i++) {
                long score = (long) entries.get(i).getScore();
                String token = entries.get(i).getElement();
                if (score == at) {
                    seen++;
                } else {
                    at = score;
                    seen = 1;
                }
                Session s = store.parse(token, store.get(replies.get(i)));
                if (s == null) {
                    continue; // deleted, expired, or an insert under way: index_add drops it once its bound passes
                }
                if (!userId.equals(s.userId())) {
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
            store.call(c -> c.zrem(key, withBounds(moved)));
        }
        if (!rescore.isEmpty()) {
            store.call(c -> c.zadd(key, rescore));
        }
        return found;
    }

    /** After an insert that took the index past {@code cap}: ends the user's oldest live sessions past it. */
    void endOldestPast(String userId, int cap) {
        List<String> tokens = store.call(c -> c.zrevrangeByScore(store.indexKey(userId), "+inf", CREATED_MIN));
        List<Response<List<String>>> replies = store.pipelined(
                p -> tokens.stream().map(t -> p.hmget(store.sessionKey(t), "exp", "user")).toList());
        List<String> pastCap = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        int live = 0;
        long now = store.now();
        for (int i = 0; i < tokens.size(); i++) {
            List<String> m = store.get(replies.get(i));
            if (m.get(0) == null || Long.parseLong(m.get(0)) <= now) {
                continue; // see page()
            }
            if (!userId.equals(m.get(1))) {
                moved.add(tokens.get(i));
            } else if (++live > cap) {
                pastCap.add(tokens.get(i));
            }
        }
        List<String> drop = new ArrayList<>(moved);
        drop.addAll(deleteOwned(userId, pastCap));
        if (!drop.isEmpty()) {
            store.call(c -> c.zrem(store.indexKey(userId), withBounds(drop)));
        }
    }

    /** Ends every live session of the user; their entries leave the index. */
    int deleteAll(String userId) {
        List<String> tokens = store.call(c -> c.zrangeByScore(store.indexKey(userId), CREATED_MIN, "+inf"));
        List<String> ended = deleteOwned(userId, tokens);
        if (!ended.isEmpty()) {
            store.call(c -> c.zrem(store.indexKey(userId), withBounds(ended)));
        }
        return ended.size();
    }

    /** Deletes the sessions among {@code tokens} that the user owns, in one pipeline; the tokens ended. */
    private List<String> deleteOwned(String userId, List<String> tokens) {
        List<List<String>> argLists = tokens.stream()
                .map(t -> store.args("delete", t, RedisSessionStore.optUser(userId))).toList();
        List<Response<Object>> replies = store.pipelined(p -> {
            List<Response<Object>> list = new ArrayList<>();
            for (int i = 0; i < tokens.size(); i++) {
                list.add(p.evalsha(RedisSessionStore.SHA, List.of(store.sessionKey(tokens.get(i))), argLists.get(i)));
            }
            return list;
        });
        List<String> ended = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Object reply;
            try {
                reply = store.get(replies.get(i));
            } catch (StoreUnavailableException e) {
                if (!(e.getCause() instanceof JedisNoScriptException)) {
                    throw e;
                }
                reply = store.script(store.sessionKey(tokens.get(i)), argLists.get(i));
            }
            if (Long.valueOf(1).equals(reply)) {
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
