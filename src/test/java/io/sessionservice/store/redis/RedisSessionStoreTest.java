package io.sessionservice.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import io.sessionservice.store.SessionStores;
import io.sessionservice.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The store against the standalone Redis at 127.0.0.1:6379 (.ci/run starts one when none answers),
 * plus what only standalone promises: the cap is atomic with the insert, and readers drop dead
 * index entries exactly.
 */
class RedisSessionStoreTest extends AbstractRedisSessionStoreTest {

    private static final int PORT = 6379;

    @Override
    protected List<Integer> ports() {
        return List.of(PORT);
    }

    @Override
    protected ObjectNode connection() {
        return JsonNodeFactory.instance.objectNode().put("url", "redis://127.0.0.1:" + PORT);
    }

    @Override
    protected boolean cluster() {
        return false;
    }

    @Override
    public UnifiedJedis inspector() {
        return RedisClient.create("127.0.0.1", PORT);
    }

    @Test
    void concurrentInsertsPastTheCapLeaveExactlyTheNewest() throws Exception {
        String owner = user();
        Instant t = clock.instant();
        List<Session> made = runConcurrently(24, i -> {
            Session s = new Session(Tokens.issue(), owner, json("{\"AccountId\":\"" + owner + "\"}"),
                    t.plusMillis(i), t.plusSeconds(600), 600, true);
            assertTrue(store.insert(s, 3));
            return s;
        });
        List<String> newest = made.stream().sorted(PageStart.NEWEST_FIRST).limit(3).map(Session::token).toList();
        assertEquals(newest, tokens(store.findByUser(owner)));
        try (UnifiedJedis c = inspector()) {
            assertEquals(3, c.zcard(index(owner)), "ended sessions left the index");
        }
    }

    @Test
    void readersPassOverDeadEntriesAndDropThem() throws Exception {
        String owner = user();
        Instant t = clock.instant();
        Session oldest = session(owner, t.minusMillis(3), 600);
        Session expiring = session(owner, t.minusMillis(2), 5);
        Session newest = session(owner, t, 600);
        for (Session s : List.of(oldest, expiring, newest)) {
            assertTrue(store.insert(s));
        }
        String lost = Tokens.issue();
        try (UnifiedJedis c = inspector()) {
            c.zadd(index(owner), t.plusMillis(5).toEpochMilli(), lost); // an entry without a session, newest of all
            c.zadd(index(owner), newest.expiresAt().toEpochMilli(), newest.token()); // scored as earlier versions did
        }
        advance(Duration.ofSeconds(6));
        assertEquals(List.of(newest.token()), tokens(store.findByUser(owner, PageStart.FIRST, 1)));
        assertEquals(List.of(newest.token(), oldest.token()), tokens(store.findByUser(owner)));
        try (UnifiedJedis c = inspector()) {
            assertEquals(List.of(oldest.token(), newest.token()), c.zrange(index(owner), 0, -1));
            assertEquals((double) t.toEpochMilli(), c.zscore(index(owner), newest.token()), "re-scored by createdAt");
        }
    }

    @Test
    void withTheLocalCacheOffEveryReadGoesToRedis() throws Exception {
        String name = clientName + "-off";
        ObjectNode repository = JsonNodeFactory.instance.objectNode().put("type", "redis");
        repository.set("redis", connection().put("keyPrefix", keyPrefix).put("clientName", name).put("localCache", 0));
        try (RedisSessionStore off = SessionStores.redis(TestConfigs.of(repository).redis(), clock);
             CommandMonitor monitor = new CommandMonitor(name, ports())) {
            Session s = stored(user());
            for (int i = 0; i < 3; i++) {
                assertEquals(List.of("HGETALL"), monitor.commandsDuring(() -> off.find(s.token(), false).orElseThrow()));
            }
            assertEquals(0, off.localCacheStats().requestCount());
            assertTrue(off.invalidationClientIds().isEmpty(), "no invalidation connection without a cache");
        }
    }

    private Session session(String owner, Instant created, long ttl) {
        return new Session(Tokens.issue(), owner, json("{\"AccountId\":\"" + owner + "\"}"), created,
                created.plusSeconds(ttl), ttl, true);
    }

    private String index(String owner) {
        return keyPrefix + "u:" + owner;
    }
}
