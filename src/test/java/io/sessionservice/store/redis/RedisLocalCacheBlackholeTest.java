package io.sessionservice.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Json;
import io.sessionservice.core.Session;
import io.sessionservice.core.Tokens;
import io.sessionservice.store.SessionStores;
import io.sessionservice.testing.FreezableTcpProxy;
import io.sessionservice.testing.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The local cache when its invalidation connection becomes a black hole (a firewall or NAT drops the
 * idle flow without a reset): nothing tells the subscriber its connection is gone, only the PINGs go
 * unanswered. The cached store reaches the Redis at 127.0.0.1:6379 through a {@link FreezableTcpProxy};
 * a second store, straight to Redis, is the other instance that revokes the session.
 */
class RedisLocalCacheBlackholeTest {

    private static final int REDIS_PORT = 6379;
    private static final Duration GIVE_UP = Duration.ofSeconds(10);

    private final String keyPrefix = "test-" + UUID.randomUUID() + ":";
    private final Clock clock = Clock.systemUTC();
    private FreezableTcpProxy proxy;
    private RedisSessionStore cached;
    private RedisSessionStore direct;

    @BeforeEach
    void openStores() throws Exception {
        proxy = new FreezableTcpProxy(REDIS_PORT);
        cached = open(proxy.port(), 10_000);
        direct = open(REDIS_PORT, 0);
        cached.find(Tokens.issue(), false); // the first read starts the subscription
        await("the subscription", cached::localCacheTrusted);
    }

    @AfterEach
    void closeStores() throws Exception {
        cached.close();
        direct.close();
        proxy.close();
    }

    /**
     * The bound asserted: no read that began 500 ms ({@link ServerInvalidations#TRUST_MILLIS}) or more
     * after the freeze is answered from the cache. Exact, with no slack for scheduling: a read is
     * answered from the cache only if its trust check passed, i.e. before the send time of the last
     * answered PING plus 500 ms; that PING was sent before its pong passed the proxy, so before the
     * freeze; and the read began before its trust check. The revocation comes after the freeze, so the
     * revoked token is answered for less than 500 ms after its delete was acknowledged.
     */
    @Test
    void aBlackHoledInvalidationConnectionStopsTheCacheWithin500MsAndIsReplaced() throws Exception {
        Session s = newSession();
        Frozen frozen = cacheThenFreezeTheSubscriber(s);
        long subscriber = frozen.subscriber();
        FreezableTcpProxy.Link link = frozen.link();
        long frozenAt = frozen.at();
        assertTrue(direct.delete(s.token()));
        long deletedAt = System.nanoTime();

        int stale = 0;
        long lastStaleAt = 0;
        long refusedAt;
        while (true) {
            long asked = System.nanoTime();
            long hits = cached.localCacheStats().hitCount();
            if (cached.find(s.token(), false).isEmpty()) {
                refusedAt = asked;
                break;
            }
            assertEquals(hits + 1, cached.localCacheStats().hitCount(), "a stale answer that was not the cache's");
            stale++;
            lastStaleAt = asked;
            assertTrue(asked - frozenAt < GIVE_UP.toNanos(), "the revoked session was still answered after 10 s");
        }
        long subscriberWhenRefused = subscriberId();
        try (RedisClient redis = RedisClient.create("127.0.0.1", REDIS_PORT)) {
            assertFalse(redis.exists(keyPrefix + "s:" + s.token()), "the answers could have come from Redis");
        }
        await("the invalidation, held back by the freeze", () -> holds(link.heldFromTarget(), s.token()));
        assertTrue(stale > 0, "the cache never answered the revoked token: no window to measure (first ask "
                + millis(refusedAt - frozenAt) + " ms after the freeze)");
        System.out.printf("[blackhole] revoked session answered from the cache %d times, for %.1f ms after the"
                        + " delete was acknowledged; last stale read began %.1f ms after the freeze (bound %d ms)%n",
                stale, millis(lastStaleAt - deletedAt), millis(lastStaleAt - frozenAt), ServerInvalidations.TRUST_MILLIS);
        assertTrue(lastStaleAt - frozenAt < TimeUnit.MILLISECONDS.toNanos(ServerInvalidations.TRUST_MILLIS),
                "a read that began " + millis(lastStaleAt - frozenAt) + " ms after the freeze was answered from the cache");
        assertEquals(subscriber, subscriberWhenRefused,
                "the subscriber saw its connection fail: the refusal did not come from the unanswered PINGs");

        // Nothing unfreezes a black hole: the subscriber must give up the silent connection by itself.
        long trustedAgainAt;
        while (true) {
            long asked = System.nanoTime();
            if (cached.localCacheTrusted() && subscriberId() > 0 && subscriberId() != subscriber) {
                trustedAgainAt = asked;
                break;
            }
            assertTrue(cached.find(s.token(), false).isEmpty(), "the revoked session answered again, "
                    + millis(asked - frozenAt) + " ms after the freeze");
            assertTrue(asked - frozenAt < GIVE_UP.toNanos(), "no new subscription 10 s after the freeze");
            Thread.sleep(5);
        }
        System.out.printf("[blackhole] cache trusted again, on a new connection, %.0f ms after the freeze%n",
                millis(trustedAgainAt - frozenAt));
        Session next = newSession();
        assertTrue(direct.insert(next));
        assertCachedOn(cached, next.token());
        assertTrue(direct.delete(next.token()));
        long deleted = System.nanoTime();
        while (cached.find(next.token(), false).isPresent()) {
            assertTrue(System.nanoTime() - deleted < RedisLocalCacheTests.SEEN_WITHIN.toNanos(),
                    "the new subscription does not deliver invalidations");
        }
    }

    /**
     * A connection that stalls and then delivers again (a short outage that TCP rides out) keeps its
     * subscription: what it held back, the invalidation first, arrives before the next pong, so the
     * cache is trusted again without the revoked session.
     */
    @Test
    void aStalledConnectionThatDeliversAgainBringsTheInvalidationBeforeTheTrust() throws Exception {
        Session s = newSession();
        Frozen frozen = cacheThenFreezeTheSubscriber(s);
        assertTrue(direct.delete(s.token()));
        await("the trust to lapse", () -> !cached.localCacheTrusted());
        assertEquals(frozen.subscriber(), subscriberId(), "the subscriber saw its connection fail: not a stall");
        await("the invalidation, held back by the freeze", () -> holds(frozen.link().heldFromTarget(), s.token()));
        assertTrue(cached.localCache().holds(s.token()), "the entry went without its invalidation");

        frozen.link().unfreeze();
        await("the trust to come back", cached::localCacheTrusted);
        assertEquals(frozen.subscriber(), subscriberId(), "resubscribed: not the stalled connection that came back");
        assertFalse(cached.localCache().holds(s.token()), "trusted again with the revoked session in the cache");
        assertTrue(cached.find(s.token(), false).isEmpty());
    }

    // ---- helpers ----

    /** The subscriber connection (its client id) that was frozen, and when (System.nanoTime()). */
    private record Frozen(long subscriber, FreezableTcpProxy.Link link, long at) {
    }

    /** Stores the session through the direct store, has the cached store cache it, then freezes its subscriber. */
    private Frozen cacheThenFreezeTheSubscriber(Session s) throws Exception {
        assertTrue(direct.insert(s));
        assertCachedOn(cached, s.token());
        long subscriber = subscriberId();
        FreezableTcpProxy.Link link = linkOf(subscriber);
        link.freeze();
        return new Frozen(subscriber, link, System.nanoTime());
    }

    private RedisSessionStore open(int port, int localCache) {
        ObjectNode repository = JsonNodeFactory.instance.objectNode().put("type", "redis");
        repository.set("redis", JsonNodeFactory.instance.objectNode().put("url", "redis://127.0.0.1:" + port)
                .put("keyPrefix", keyPrefix).put("clientName", "blackhole-test").put("localCache", localCache));
        return SessionStores.redis(TestConfigs.of(repository).redis(), clock);
    }

    private Session newSession() {
        String user = "user-" + UUID.randomUUID();
        Instant now = clock.instant();
        ObjectNode data = Json.MAPPER.createObjectNode().put("AccountId", user);
        return new Session(Tokens.issue(), user, data, now, now.plusSeconds(600), 600, false);
    }

    private long subscriberId() {
        return cached.invalidationClientIds().values().iterator().next();
    }

    /** The proxied connection of this Redis client id, found by the address Redis sees it from. */
    private FreezableTcpProxy.Link linkOf(long clientId) throws Exception {
        String info = RedisServerProcess.command(REDIS_PORT, "CLIENT LIST ID " + clientId);
        String addr = Arrays.stream(info.trim().split(" ")).filter(f -> f.startsWith("addr=")).findFirst()
                .orElseThrow(() -> new AssertionError("no client " + clientId + ": " + info));
        FreezableTcpProxy.Link link = proxy.linkSeenByTargetFrom(Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1)));
        assertNotNull(link, "the subscriber does not go through the proxy: " + addr);
        return link;
    }

    private static boolean holds(byte[] bytes, String token) {
        return new String(bytes, StandardCharsets.ISO_8859_1).contains(token);
    }

    /** Reads the token until a read is a hit of the local cache (within 1 s). */
    private static void assertCachedOn(RedisSessionStore store, String token) throws InterruptedException {
        await("a hit of the local cache", () -> {
            long hits = store.localCacheStats().hitCount();
            assertTrue(store.find(token, false).isPresent());
            return store.localCacheStats().hitCount() == hits + 1;
        });
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited 10 s for " + what);
            Thread.sleep(2);
        }
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
