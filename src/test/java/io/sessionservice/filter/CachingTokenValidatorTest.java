package io.sessionservice.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sessionservice.core.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The positive cache of cacheMillis, on a controlled clock: nothing here sleeps. */
class CachingTokenValidatorTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final String TOKEN = "token-0123456789abcdef";

    /** One time source for both the cache's ticker and the clock that reads expiries. */
    private final AtomicLong nanos = new AtomicLong();
    private final Service service = new Service();

    private CachingTokenValidator cache(Duration cacheFor, long maxEntries) {
        Clock clock = new Clock() {
            @Override
            public Instant instant() {
                return START.plusNanos(nanos.get());
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        return new CachingTokenValidator(service, cacheFor, maxEntries, nanos::get, clock);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void aRevokedTokenIsAdmittedAtMostCacheForThenRefused() {
        CachingTokenValidator cache = cache(Duration.ofMillis(1000), 100);
        service.live(TOKEN, START.plusSeconds(3600));
        assertTrue(cache.validate(TOKEN, false).isPresent());
        service.revoke(TOKEN);

        advance(Duration.ofMillis(999));
        assertTrue(cache.validate(TOKEN, false).isPresent(), "within cacheFor the cached answer stands");
        assertEquals(1, service.calls.get());
        advance(Duration.ofMillis(1));
        assertTrue(cache.validate(TOKEN, false).isEmpty(), "after cacheFor the service is asked again");
        assertEquals(2, service.calls.get());
    }

    @Test
    void anEntryNeverOutlivesItsSessionsExpiry() {
        CachingTokenValidator cache = cache(Duration.ofSeconds(60), 100);
        service.live(TOKEN, START.plusMillis(300));
        assertTrue(cache.validate(TOKEN, false).isPresent());
        advance(Duration.ofMillis(299));
        assertTrue(cache.validate(TOKEN, false).isPresent());
        assertEquals(1, service.calls.get());
        advance(Duration.ofMillis(1));
        service.revoke(TOKEN); // expired at the service too
        assertTrue(cache.validate(TOKEN, false).isEmpty(), "a cached entry outlived its session");
    }

    @Test
    void refusalsAndTroubleAreNeverCached() {
        CachingTokenValidator cache = cache(Duration.ofSeconds(60), 100);
        assertTrue(cache.validate(TOKEN, false).isEmpty());
        service.live(TOKEN, START.plusSeconds(3600));
        assertTrue(cache.validate(TOKEN, false).isPresent(), "a refusal was remembered");

        String other = "other-0123456789abcdef";
        service.down = true;
        assertThrows(StoreUnavailableException.class, () -> cache.validate(other, false));
        assertThrows(StoreUnavailableException.class, () -> cache.validate(other, false));
        assertEquals(4, service.calls.get());
        assertTrue(cache.validate(TOKEN, false).isPresent(), "a cached positive answer serves through an outage");
    }

    @Test
    void touchingAndNotTouchingAreCachedApart() {
        CachingTokenValidator cache = cache(Duration.ofSeconds(60), 100);
        service.live(TOKEN, START.plusSeconds(3600));
        cache.validate(TOKEN, false);
        cache.validate(TOKEN, true);
        cache.validate(TOKEN, true);
        assertEquals(2, service.calls.get());
        assertEquals(1, service.touches.get());
    }

    @Test
    void theNumberOfEntriesIsBounded() {
        CachingTokenValidator cache = cache(Duration.ofSeconds(60), 50);
        for (int i = 0; i < 1000; i++) {
            String token = "token-%016d".formatted(i);
            service.live(token, START.plusSeconds(3600));
            assertTrue(cache.validate(token, false).isPresent());
        }
        assertTrue(cache.size() <= 50, () -> "kept " + cache.size());
    }

    @Test
    void closingClosesTheDelegate() {
        cache(Duration.ofSeconds(1), 10).close();
        assertTrue(service.closed);
    }

    @Test
    void cacheForAndMaxEntriesMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> cache(Duration.ZERO, 10));
        assertThrows(IllegalArgumentException.class, () -> cache(Duration.ofSeconds(1), 0));
    }

    /** The service as the cache sees it: live tokens with their expiry, revocable; or down. */
    private static final class Service implements TokenValidator {
        final Map<String, Instant> live = new HashMap<>();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger touches = new AtomicInteger();
        boolean down;
        boolean closed;

        void live(String token, Instant expiresAt) {
            live.put(token, expiresAt);
        }

        void revoke(String token) {
            live.remove(token);
        }

        @Override
        public Optional<AuthenticatedSession> validate(String token, boolean touch) {
            calls.incrementAndGet();
            if (down) {
                throw new StoreUnavailableException("down", null);
            }
            if (touch) {
                touches.incrementAndGet();
            }
            return Optional.ofNullable(live.get(token)).map(expires ->
                    new AuthenticatedSession("user", JsonNodeFactory.instance.objectNode(), expires, 3600));
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
