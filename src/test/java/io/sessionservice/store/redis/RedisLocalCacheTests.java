package io.sessionservice.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionservice.core.Mutation;
import io.sessionservice.core.Session;
import io.sessionservice.core.Tokens;
import io.sessionservice.store.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis store's local cache against real servers (standalone and Cluster): what another instance
 * changes is seen within 100 ms, a read in flight never leaves what an invalidation voided, a lost
 * invalidation connection flushes the cache until it is back, and a cached session still expires by
 * the store's clock. Every test first checks that the cache really answered.
 */
interface RedisLocalCacheTests {

    /** Revocation bound (issue 11). */
    Duration SEEN_WITHIN = Duration.ofMillis(100);

    /** The store under test, its local cache on and subscribed. */
    RedisSessionStore cachedStore() throws Exception;

    /** Another store instance on the same servers and key prefix (the caller closes it). */
    RedisSessionStore secondStore() throws Exception;

    TestClock testClock();

    String prefix();

    UnifiedJedis inspector();

    /** Sends an inline command to the node on this port. */
    String nodeCommand(int port, String command) throws Exception;

    @Test
    default void anotherInstancesUpdateAndDeleteAreSeenWithin100Ms() throws Exception {
        RedisSessionStore one = cachedStore();
        try (RedisSessionStore two = secondStore()) {
            Session s = newSession(600);
            assertTrue(two.insert(s));
            assertCachedOn(one, s.token());

            two.update(s.token(), new Mutation.Patch(Json.object("{\"n\":2}"), Set.of()), false);
            long updated = System.nanoTime();
            awaitWithin(updated, "the update", () -> one.find(s.token(), false)
                    .map(x -> x.data().path("n").asInt() == 2).orElse(false));

            assertCachedOn(one, s.token());
            assertTrue(two.delete(s.token()));
            long deleted = System.nanoTime();
            awaitWithin(deleted, "the delete", () -> one.find(s.token(), false).isEmpty());
        }
    }

    @Test
    default void aChangeMadeOutsideAnyStoreIsSeenWithin100Ms() throws Exception {
        RedisSessionStore one = cachedStore();
        Session s = newSession(600);
        assertTrue(one.insert(s));
        assertCachedOn(one, s.token());
        try (UnifiedJedis c = inspector()) {
            c.hset(prefix() + "s:" + s.token(), "d:n", "1:7"); // field n, first in order, now 7
        }
        long changed = System.nanoTime();
        awaitWithin(changed, "the HSET", () -> one.find(s.token(), false)
                .map(x -> x.data().path("n").asInt() == 7).orElse(false));
    }

    /** A read that comes back after the invalidation of a later change must not be kept. */
    @Test
    default void aReadInFlightWhenItsInvalidationArrivesIsNotKept() throws Exception {
        RedisSessionStore one = cachedStore();
        Session s = newSession(600);
        assertTrue(one.insert(s));
        LocalSessionCache cache = one.localCache();
        Optional<Session> stale = one.find(s.token(), false); // what the slow read saw, before the change
        cache.invalidated(s.token());

        Optional<Session> returned = cache.fill(s.token(), () -> {
            assertTrue(cache.holds(s.token()), "the read in flight left no placeholder");
            try (UnifiedJedis c = inspector()) {
                c.hset(prefix() + "s:" + s.token(), "d:n", "1:9");
            }
            try {
                await("the invalidation of the change", () -> !cache.holds(s.token()));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return stale; // the read's reply, older than the change
        });
        assertEquals(1, returned.orElseThrow().data().path("n").asInt());
        assertEquals(9, one.find(s.token(), false).orElseThrow().data().path("n").asInt(), "the stale read was kept");
    }

    @Test
    default void aLostInvalidationConnectionFlushesTheCacheWhichRefillsOnceResubscribed() throws Exception {
        RedisSessionStore one = cachedStore();
        Session s = newSession(600);
        assertTrue(one.insert(s));
        assertCachedOn(one, s.token());

        Map.Entry<HostAndPort, Long> cut = one.invalidationClientIds().entrySet().iterator().next();
        assertTrue(cut.getValue() > 0, "no subscriber connection on " + cut.getKey());
        assertEquals(":1", nodeCommand(cut.getKey().getPort(), "CLIENT KILL ID " + cut.getValue()).trim());
        await("the flush on the lost connection", () -> !one.localCache().holds(s.token()));

        await("resubscription", () -> one.localCacheTrusted()
                && one.invalidationClientIds().get(cut.getKey()) > 0
                && !cut.getValue().equals(one.invalidationClientIds().get(cut.getKey())));
        long misses = one.localCacheStats().missCount();
        assertTrue(one.find(s.token(), false).isPresent());
        assertEquals(misses + 1, one.localCacheStats().missCount(), "answered from before the loss");
        assertCachedOn(one, s.token());
    }

    @Test
    default void aCachedSessionPastItsExpiryByTheStoresClockIsNotReturned() throws Exception {
        RedisSessionStore one = cachedStore();
        Session s = newSession(10);
        assertTrue(one.insert(s));
        assertCachedOn(one, s.token());
        testClock().advance(Duration.ofSeconds(11)); // the key itself lives on in Redis for seconds more
        assertTrue(one.find(s.token(), false).isEmpty());
        assertTrue(one.find(s.token(), true).isEmpty());
    }

    @Test
    default void aTouchBeyondTheResolutionGoesToRedisAndWithinItIsAnswered() throws Exception {
        RedisSessionStore one = cachedStore();
        Session s = newSession(100, true); // resolution 1 s
        assertTrue(one.insert(s));
        assertCachedOn(one, s.token());
        long hits = one.localCacheStats().hitCount();
        assertEquals(s.expiresAt(), one.find(s.token(), true).orElseThrow().expiresAt());
        assertEquals(hits + 1, one.localCacheStats().hitCount());
        testClock().advance(Duration.ofSeconds(2));
        Session touched = one.find(s.token(), true).orElseThrow();
        assertEquals(testClock().instant().plusSeconds(100), touched.expiresAt(), "not slid in Redis");
    }

    // ---- helpers ----

    private Session newSession(long ttl) {
        return newSession(ttl, false);
    }

    private Session newSession(long ttl, boolean sliding) {
        String user = "user-" + UUID.randomUUID();
        Instant now = testClock().instant();
        return new Session(Tokens.issue(), user, Json.object("{\"n\":1,\"AccountId\":\"" + user + "\"}"), now,
                now.plusSeconds(ttl), ttl, sliding);
    }

    /**
     * Reads the token until a read is a hit of the local cache (within 1 s): a read just after this
     * process's own write may be voided by that write's invalidation, which comes back a moment later.
     */
    private static void assertCachedOn(RedisSessionStore store, String token) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (true) {
            store.find(token, false);
            long hits = store.localCacheStats().hitCount();
            assertTrue(store.find(token, false).isPresent());
            if (store.localCacheStats().hitCount() == hits + 1) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the local cache did not answer");
            Thread.sleep(2);
        }
    }

    private static void awaitWithin(long sinceNanos, String what, BooleanSupplier seen) {
        while (!seen.getAsBoolean()) {
            Thread.onSpinWait();
            long waited = System.nanoTime() - sinceNanos;
            assertTrue(waited <= SEEN_WITHIN.toNanos(), what + " not seen after " + waited / 1_000_000 + " ms");
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited 10 s for " + what);
            Thread.sleep(2);
        }
    }

    /** JSON text to an object node. */
    final class Json {
        private Json() {
        }

        static com.fasterxml.jackson.databind.node.ObjectNode object(String text) {
            try {
                return (com.fasterxml.jackson.databind.node.ObjectNode) io.sessionservice.core.Json.MAPPER.readTree(text);
            } catch (Exception e) {
                throw new IllegalArgumentException(e);
            }
        }
    }
}
