package io.sessionservice.store.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.core.TokenConflictException;
import io.sessionservice.core.TouchResolution;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The embedded store: sessions in a Caffeine cache whose per-entry expiry is the session's own, so
 * Caffeine removes expired sessions itself (a scheduler thread of this store wakes for them). Every
 * operation is one atomic {@code compute} on the token's entry. Sessions live as long as the JVM:
 * this store is for one instance and for development. It holds at most {@code maxSessions}: a
 * create past that is refused as store trouble (503), never by evicting a live session.
 */
public final class MemorySessionStore implements SessionStore {

    public static final long DEFAULT_MAX_SESSIONS = 1_000_000;

    private final Clock clock;
    private final long maxSessions;
    private final TouchResolution touchResolution;
    private final ScheduledExecutorService expiryThread;
    private final Cache<String, Session> sessions;
    /** The read-only copies rotations with grace leave under old tokens (see SessionStore#rotate), by old token. */
    private final Cache<String, Session> rotatedCopies;
    /** user id -> (created, token), newest first; a hint that reads re-check, kept small by the eviction listener. */
    private final ConcurrentMap<String, NavigableSet<IndexEntry>> sessionsByUser = new ConcurrentHashMap<>();

    public MemorySessionStore(Clock clock) {
        this(clock, DEFAULT_MAX_SESSIONS);
    }

    public MemorySessionStore(Clock clock, long maxSessions) {
        this(clock, maxSessions, TouchResolution.DEFAULT);
    }

    /** {@code touchResolution}: how far a touch may leave the expiry behind before it writes. */
    public MemorySessionStore(Clock clock, long maxSessions, TouchResolution touchResolution) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be positive");
        }
        this.clock = clock;
        this.maxSessions = maxSessions;
        this.touchResolution = touchResolution;
        // Our own thread rather than Caffeine's JVM-wide scheduler and the common pool, so that close()
        // leaves nothing behind that pins the webapp's class loader after an undeploy.
        this.expiryThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "memory-session-store-expiry");
            t.setDaemon(true);
            return t;
        });
        this.sessions = Caffeine.newBuilder()
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(Expiry.writing((String token, Session s) -> remaining(s)))
                .executor(Runnable::run)
                .scheduler(Scheduler.forScheduledExecutorService(expiryThread))
                .evictionListener((String token, Session s, RemovalCause cause) -> {
                    if (s != null) {
                        unindex(s, token);
                    }
                })
                .build();
        this.rotatedCopies = Caffeine.newBuilder()
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(Expiry.writing((String token, Session s) -> remaining(s)))
                .executor(Runnable::run)
                .scheduler(Scheduler.forScheduledExecutorService(expiryThread))
                .build();
    }

    @Override
    public boolean insert(Session session, int maxSessionsPerUser) {
        if (sessions.estimatedSize() >= maxSessions) {
            throw new StoreUnavailableException("the memory store holds maxSessions (" + maxSessions + ") sessions", null);
        }
        AtomicBoolean inserted = new AtomicBoolean();
        Session copy = rotatedCopies.getIfPresent(session.token());
        if (copy != null && copy.isLiveAt(clock.instant())) {
            return false;
        }
        sessions.asMap().compute(session.token(), (token, current) -> {
            if (current != null && current.isLiveAt(clock.instant())) {
                return current;
            }
            if (current != null) {
                unindex(current, token);
            }
            index(session, token);
            inserted.set(true);
            return session;
        });
        if (inserted.get() && session.userId() != null) {
            endOldestPast(session.userId(), maxSessionsPerUser);
        }
        return inserted.get();
    }

    @Override
    public Optional<Session> find(String token, boolean touch) {
        Session s = sessions.getIfPresent(token);
        Instant now = clock.instant();
        if (s == null) {
            s = rotatedCopies.getIfPresent(token); // read-only: never slid (sliding is false)
        }
        if (s == null || !s.isLiveAt(now)) {
            return Optional.empty();
        }
        if (!touch || s.expiryAfterAccess(now, true, touchResolution).equals(s.expiresAt())) {
            return Optional.of(s); // nothing to write: a plain read, no compute on the entry
        }
        return change(token, c -> c, true);
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
            unindex(current, t);
            return null;
        });
        return deleted.get();
    }

    /** One atomic compute removes the old entry (so one of concurrent rotations gets it), then the new one is put. */
    @Override
    public Optional<Session> rotate(String token, String newToken, Instant oldUntil) {
        Instant now = clock.instant();
        Session taken = sessions.getIfPresent(newToken);
        Session takenCopy = rotatedCopies.getIfPresent(newToken);
        if (taken != null && taken.isLiveAt(now) || takenCopy != null && takenCopy.isLiveAt(now)) {
            throw new TokenConflictException();
        }
        AtomicReference<Session> moved = new AtomicReference<>();
        sessions.asMap().computeIfPresent(token, (t, current) -> {
            unindex(current, t);
            if (!current.isLiveAt(now)) {
                return null;
            }
            moved.set(current.withToken(newToken));
            if (oldUntil != null && oldUntil.isAfter(now)) {
                // Put before the entry goes: a read of the old token meets the session or its copy, never neither.
                Instant copyEnd = current.expiresAt().isBefore(oldUntil) ? current.expiresAt() : oldUntil;
                rotatedCopies.put(t, new Session(t, current.userId(), current.data(), current.createdAt(), copyEnd,
                        current.ttlSeconds(), false, current.lifetimeEnd()));
            }
            return null;
        });
        Session next = moved.get();
        if (next == null) {
            return Optional.empty();
        }
        sessions.asMap().compute(newToken, (t, current) -> {
            if (current != null) {
                unindex(current, t);
            }
            index(next, t);
            return next;
        });
        return Optional.of(next);
    }

    @Override
    public List<Session> findByUser(String userId, PageStart start, int limit) {
        NavigableSet<IndexEntry> index = sessionsByUser.get(userId);
        if (index == null) {
            return List.of();
        }
        Instant now = clock.instant();
        int toSkip = start.skip();
        List<Session> found = new ArrayList<>();
        for (IndexEntry e : index.tailSet(IndexEntry.first(start.createdAtMillis()), true)) {
            if (found.size() >= limit) {
                break;
            }
            Session s = sessions.getIfPresent(e.token());
            if (s == null || !s.isLiveAt(now) || !userId.equals(s.userId())) {
                continue;
            }
            if (toSkip > 0 && e.createdMillis() == start.createdAtMillis()) {
                toSkip--;
                continue;
            }
            found.add(s);
        }
        return found;
    }

    @Override
    public int deleteByUser(String userId) {
        int ended = 0;
        for (IndexEntry e : List.copyOf(sessionsByUser.getOrDefault(userId, new ConcurrentSkipListSet<>()))) {
            ended += deleteIfOwnedBy(userId, e.token()) ? 1 : 0;
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

    @Override
    public void close() {
        expiryThread.shutdownNow();
        sessions.invalidateAll();
        rotatedCopies.invalidateAll();
        sessionsByUser.clear();
        try {
            // shutdownNow only interrupts: wait for the thread to end, so an undeploy that returns leaves no
            // thread of the webapp running (Tomcat warns of one, and it pins the webapp's class loader).
            expiryThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs Caffeine's pending maintenance now, removing expired entries (tests use it). */
    public void cleanUp() {
        sessions.cleanUp();
    }

    int indexedUsers() {
        return sessionsByUser.size();
    }

    /** What the maps hold, tokens included (for tests that look past the store's interface). */
    String rawContent() {
        StringBuilder raw = new StringBuilder();
        sessions.asMap().forEach((key, s) -> raw.append(key).append(" = ").append(s.token()).append(' ')
                .append(s.data()).append('\n'));
        sessionsByUser.forEach((user, entries) -> raw.append(user).append(" -> ").append(entries).append('\n'));
        return raw.toString();
    }

    /** Ends the user's oldest live sessions until at most {@code cap} remain. */
    private void endOldestPast(String userId, int cap) {
        NavigableSet<IndexEntry> index = sessionsByUser.get(userId);
        if (index == null || index.size() <= cap) {
            return;
        }
        Instant now = clock.instant();
        int live = 0;
        for (IndexEntry e : index) {
            Session s = sessions.getIfPresent(e.token());
            if (s != null && s.isLiveAt(now) && userId.equals(s.userId()) && ++live > cap) {
                deleteIfOwnedBy(userId, e.token());
            }
        }
    }

    private boolean deleteIfOwnedBy(String userId, String token) {
        AtomicBoolean deleted = new AtomicBoolean();
        sessions.asMap().computeIfPresent(token, (t, current) -> {
            if (!userId.equals(current.userId())) {
                return current;
            }
            deleted.set(current.isLiveAt(clock.instant()));
            unindex(current, t);
            return null;
        });
        return deleted.get();
    }

    /** Atomically applies {@code change} to a live session, sliding its expiry when touched. */
    private Optional<Session> change(String token, UnaryOperator<Session> change, boolean touch) {
        AtomicReference<Session> result = new AtomicReference<>();
        sessions.asMap().computeIfPresent(token, (t, current) -> {
            Instant now = clock.instant();
            if (!current.isLiveAt(now)) {
                unindex(current, t);
                return null;
            }
            // May throw (owner fixed, size limit): Caffeine then leaves the entry as it was.
            Session next = change.apply(current);
            next = next.withExpiresAt(next.expiryAfterAccess(now, touch, touchResolution));
            if (!Objects.equals(current.userId(), next.userId())) {
                unindex(current, t);
                index(next, t);
            }
            result.set(next);
            return next;
        });
        return Optional.ofNullable(result.get());
    }

    private Duration remaining(Session s) {
        return Duration.between(clock.instant(), s.expiresAt());
    }

    private void index(Session s, String token) {
        if (s.userId() != null) {
            // compute, not computeIfAbsent().add(): unindex may drop an emptied set in between.
            sessionsByUser.compute(s.userId(), (u, entries) -> {
                NavigableSet<IndexEntry> set = entries != null ? entries : new ConcurrentSkipListSet<>();
                set.add(IndexEntry.of(s, token));
                return set;
            });
        }
    }

    private void unindex(Session s, String token) {
        if (s.userId() != null) {
            sessionsByUser.computeIfPresent(s.userId(), (u, entries) -> {
                entries.remove(IndexEntry.of(s, token));
                return entries.isEmpty() ? null : entries;
            });
        }
    }

    /** A user's session in creation order, newest first (PageStart's order); a null token sorts first. */
    record IndexEntry(long createdMillis, String token) implements Comparable<IndexEntry> {

        private static final Comparator<IndexEntry> ORDER = Comparator
                .comparingLong(IndexEntry::createdMillis).reversed()
                .thenComparing(IndexEntry::token, Comparator.nullsFirst(Comparator.reverseOrder()));

        static IndexEntry of(Session s, String token) {
            return new IndexEntry(s.createdAt().toEpochMilli(), token);
        }

        /** Sorts before every entry created at {@code createdMillis}. */
        static IndexEntry first(long createdMillis) {
            return new IndexEntry(createdMillis, null);
        }

        @Override
        public int compareTo(IndexEntry other) {
            return ORDER.compare(this, other);
        }
    }
}
