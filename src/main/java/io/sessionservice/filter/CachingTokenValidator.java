package io.sessionservice.filter;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Remembers another validator's positive answers for at most {@code cacheFor}: the longest a token revoked
 * at the service (deleted, expired early by a user-wide delete) may still be admitted. Refusals and trouble
 * are never remembered, so a new session is admitted at once and an outage shows at once. An entry never
 * outlives its session's own expiry, and a cache hit does not extend a sliding expiry (with {@code touch} the
 * session is touched at most once per {@code cacheFor}, which a ttl far above it does not notice).
 *
 * <p>Built by {@link SessionAuthFilter} for init-parameter {@code cacheMillis}, or by code:
 * {@code new SessionAuthFilter(new CachingTokenValidator(validator, Duration.ofSeconds(1), 10_000), ...)}.
 */
public final class CachingTokenValidator implements TokenValidator {

    /** Entries kept at most when the filter's init-parameters do not say ({@code cacheSize}). */
    public static final long DEFAULT_MAX_ENTRIES = 10_000;

    private final TokenValidator delegate;
    private final Cache<Key, AuthenticatedSession> admitted;

    /**
     * @param delegate   asked on a miss; closed with this one
     * @param cacheFor   how long a positive answer is reused (positive)
     * @param maxEntries how many answers are kept at most (least recently used go first)
     */
    public CachingTokenValidator(TokenValidator delegate, Duration cacheFor, long maxEntries) {
        this(delegate, cacheFor, maxEntries, Ticker.systemTicker(), Clock.systemUTC());
    }

    /** With the time sources under test control: {@code ticker} ages entries, {@code clock} reads expiries. */
    CachingTokenValidator(TokenValidator delegate, Duration cacheFor, long maxEntries, Ticker ticker, Clock clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        if (cacheFor.isNegative() || cacheFor.isZero() || maxEntries < 1) {
            throw new IllegalArgumentException("cacheFor and maxEntries must be positive");
        }
        long cacheNanos = cacheFor.toNanos();
        this.admitted = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(ticker)
                // Maintenance on the calling thread: no ForkJoinPool tasks holding the webapp after an undeploy.
                .executor(Runnable::run)
                .expireAfter(Expiry.creating((Key key, AuthenticatedSession s) ->
                        Duration.ofNanos(Math.max(0, Math.min(cacheNanos, nanosUntil(s.expiresAt(), clock))))))
                .build();
    }

    @Override
    public Optional<AuthenticatedSession> validate(String token, boolean touch) {
        Key key = new Key(token, touch);
        AuthenticatedSession cached = admitted.getIfPresent(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<AuthenticatedSession> answer = delegate.validate(token, touch);
        answer.ifPresent(s -> admitted.put(key, s));
        return answer;
    }

    /** Entries held now (for tests of the bound). */
    long size() {
        admitted.cleanUp();
        return admitted.estimatedSize();
    }

    @Override
    public void close() {
        admitted.invalidateAll();
        delegate.close();
    }

    @Override
    public String toString() {
        return "CachingTokenValidator(" + delegate.getClass().getSimpleName() + ")";
    }

    private static long nanosUntil(Instant expiresAt, Clock clock) {
        try {
            return Duration.between(clock.instant(), expiresAt).toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE; // far future: cacheFor bounds it
        }
    }

    /** Touching and not touching are different questions (and GET / answers them differently). */
    private record Key(String token, boolean touch) {
        @Override
        public String toString() {
            return "Key[touch=" + touch + "]"; // never the token
        }
    }
}
