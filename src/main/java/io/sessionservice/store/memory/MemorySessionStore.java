package io.sessionservice.store.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The embedded store: sessions in a Caffeine cache whose per-entry expiry is the session's own, so
 * Caffeine removes expired sessions itself (its scheduler wakes for them, no sweep thread of ours).
 * Every operation is one atomic {@code compute} on the token's entry. Sessions live as long as the
 * JVM: this store is for one instance and for development.
 */
public final class MemorySessionStore implements SessionStore {

    private final Clock clock;
    private final Cache<String, Session> sessions;
    /** user id -> tokens; a hint that reads re-check, kept small by the eviction listener. */
    private final ConcurrentMap<String, Set<String>> tokensByUser = new ConcurrentHashMap<>();

    public MemorySessionStore(Clock clock) {
        this.clock = clock;
        this.sessions = Caffeine.newBuilder()
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(Expiry.writing((String token, Session s) -> remaining(s)))
                .scheduler(Scheduler.systemScheduler())
                .evictionListener((String token, Session s, RemovalCause cause) -> {
                    if (s != null) {
                        unindex(s.userId(), token);
                    }
                })
                .build();
    }

    @Override
    public boolean insert(Session session) {
        AtomicBoolean inserted = new AtomicBoolean();
        sessions.asMap().compute(session.token(), (token, current) -> {
            if (current != null && current.isLiveAt(clock.instant())) {
                return current;
            }
            if (current != null) {
                unindex(current.userId(), token);
            }
            index(session.userId(), token);
            inserted.set(true);
            return session;
        });
        return inserted.get();
    }

    @Override
    public Optional<Session> find(String token, boolean touch) {
        if (!touch) {
            Session s = sessions.getIfPresent(token);
            return s != null && s.isLiveAt(clock.instant()) ? Optional.of(s) : Optional.empty();
        }
        return change(token, s -> s, true);
    }

    @Override
    public Optional<Session> update(String token, Mutation mutation, boolean touch) {
        return change(token, mutation::applyTo, touch);
    }

    @Override
    public boolean delete(String token) {
        AtomicBoolean deleted = new AtomicBoolean();
        sessions.asMap().computeIfPresent(token, (t, current) -> {
            deleted.set(current.isLiveAt(clock.instant()));
            unindex(current.userId(), t);
            return null;
        });
        return deleted.get();
    }

    @Override
    public List<Session> findByUser(String userId) {
        Instant now = clock.instant();
        List<Session> found = new ArrayList<>();
        for (String token : tokensByUser.getOrDefault(userId, Set.of())) {
            Session s = sessions.getIfPresent(token);
            if (s != null && s.isLiveAt(now) && userId.equals(s.userId())) {
                found.add(s);
            }
        }
        return found;
    }

    @Override
    public int deleteByUser(String userId) {
        int ended = 0;
        for (String token : List.copyOf(tokensByUser.getOrDefault(userId, Set.of()))) {
            AtomicBoolean deleted = new AtomicBoolean();
            sessions.asMap().computeIfPresent(token, (t, current) -> {
                if (!userId.equals(current.userId())) {
                    return current;
                }
                deleted.set(current.isLiveAt(clock.instant()));
                unindex(userId, t);
                return null;
            });
            ended += deleted.get() ? 1 : 0;
        }
        return ended;
    }

    @Override
    public void ping() {
        // Always up: it lives in this JVM.
    }

    @Override
    public OptionalLong liveCount() {
        return OptionalLong.of(sessions.estimatedSize());
    }

    /** Runs Caffeine's pending maintenance now, removing expired entries (tests use it). */
    public void cleanUp() {
        sessions.cleanUp();
    }

    int indexedUsers() {
        return tokensByUser.size();
    }

    /** Atomically applies {@code change} to a live session, sliding its expiry when touched. */
    private Optional<Session> change(String token, UnaryOperator<Session> change, boolean touch) {
        AtomicReference<Session> result = new AtomicReference<>();
        sessions.asMap().computeIfPresent(token, (t, current) -> {
            Instant now = clock.instant();
            if (!current.isLiveAt(now)) {
                unindex(current.userId(), t);
                return null;
            }
            Session next = change.apply(current);
            next = next.withExpiresAt(next.expiryAfterAccess(now, touch));
            if (!Objects.equals(current.userId(), next.userId())) {
                unindex(current.userId(), t);
                index(next.userId(), t);
            }
            result.set(next);
            return next;
        });
        return Optional.ofNullable(result.get());
    }

    private Duration remaining(Session s) {
        return Duration.between(clock.instant(), s.expiresAt());
    }

    private void index(String userId, String token) {
        if (userId != null) {
            // compute, not computeIfAbsent().add(): unindex may drop an emptied set in between.
            tokensByUser.compute(userId, (u, tokens) -> {
                Set<String> set = tokens != null ? tokens : ConcurrentHashMap.newKeySet();
                set.add(token);
                return set;
            });
        }
    }

    private void unindex(String userId, String token) {
        if (userId != null) {
            tokensByUser.computeIfPresent(userId, (u, tokens) -> {
                tokens.remove(token);
                return tokens.isEmpty() ? null : tokens;
            });
        }
    }
}
