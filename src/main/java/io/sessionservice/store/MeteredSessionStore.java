package io.sessionservice.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The service's store as operators see it: every operation timed by operation and outcome
 * ({@code session_store_operations_seconds}), failures counted ({@code session_store_errors_total}),
 * and the {@link StoreOutageLog} told whether the store answered. Wraps any {@link SessionStore}; the
 * service's runtime opens one around the store it configured (SessionAuthFilter does not: it carries no
 * Micrometer). It overrides every method of SessionStore, default ones too, so that a store's own
 * version of a default method is never bypassed ({@code MeteredSessionStoreTest} checks it).
 */
public final class MeteredSessionStore implements SessionStore {

    /** Store round trips are expected well under the request SLOs: the same buckets, in ms. */
    static final Duration[] SLO_BUCKETS = buckets(1, 2, 5, 10, 25, 50, 100, 250);

    /** The tag values of {@code operation}: one per store method, so the series are bounded. */
    enum Operation { INSERT, FIND, UPDATE, DELETE, ROTATE, FIND_BY_USER, DELETE_BY_USER, PING;
        final String tag = name().toLowerCase(Locale.ROOT);
    }

    /** The tag values of {@code outcome}. */
    enum Outcome { OK, REFUSED, UNAVAILABLE, ERROR;
        final String tag = name().toLowerCase(Locale.ROOT);
    }

    private final SessionStore store;
    private final StoreOutageLog outages;
    private final MeterRegistry registry;
    /** By operation then outcome, registered on first use (a map lookup per call showed in profiles). */
    private final Timer[][] timers = new Timer[Operation.values().length][Outcome.values().length];
    private final Counter[] errors = new Counter[Operation.values().length];

    public MeteredSessionStore(SessionStore store, StoreOutageLog outages, MeterRegistry registry) {
        this.store = store;
        this.outages = outages;
        this.registry = registry;
        for (Operation op : Operation.values()) {
            // registered up front, at 0: an alert on their rate then works from the first failure on
            errors[op.ordinal()] = Counter.builder("session_store_errors")
                    .description("Store operations that failed (store unavailable, timed out or unexpected)")
                    .tag("operation", op.tag).register(registry);
        }
    }

    /** Builds durations in milliseconds for histogram buckets. */
    public static Duration[] buckets(long... millis) {
        Duration[] d = new Duration[millis.length];
        for (int i = 0; i < millis.length; i++) {
            d[i] = Duration.ofMillis(millis[i]);
        }
        return d;
    }

    /** The store this one measures. */
    public SessionStore measured() {
        return store;
    }

    @Override
    public boolean insert(Session session, int maxSessionsPerUser) {
        return timed(Operation.INSERT, () -> store.insert(session, maxSessionsPerUser));
    }

    @Override
    public boolean insert(Session session) {
        return timed(Operation.INSERT, () -> store.insert(session));
    }

    @Override
    public Optional<Session> find(String token, boolean touch) {
        return timed(Operation.FIND, () -> store.find(token, touch));
    }

    @Override
    public Optional<Session> update(String token, Mutation mutation, boolean touch) {
        return timed(Operation.UPDATE, () -> store.update(token, mutation, touch));
    }

    @Override
    public boolean delete(String token) {
        return timed(Operation.DELETE, () -> store.delete(token));
    }

    @Override
    public Optional<Session> rotate(String token, String newToken, Instant oldUntil) {
        return timed(Operation.ROTATE, () -> store.rotate(token, newToken, oldUntil));
    }

    /** Not timed: the store's own computation (Redis Cluster: a slot search), no round trip. */
    @Override
    public String newTokenFor(String token) {
        return store.newTokenFor(token);
    }

    @Override
    public boolean canRotateTo(String token, String newToken) {
        return store.canRotateTo(token, newToken);
    }

    @Override
    public List<Session> findByUser(String userId, PageStart start, int limit) {
        return timed(Operation.FIND_BY_USER, () -> store.findByUser(userId, start, limit));
    }

    @Override
    public List<Session> findByUser(String userId) {
        return timed(Operation.FIND_BY_USER, () -> store.findByUser(userId));
    }

    @Override
    public int deleteByUser(String userId) {
        return timed(Operation.DELETE_BY_USER, () -> store.deleteByUser(userId));
    }

    @Override
    public void ping() {
        timed(Operation.PING, () -> {
            store.ping();
            return null;
        });
    }

    @Override
    public OptionalLong liveCount() {
        return store.liveCount();
    }

    @Override
    public void close() {
        store.close();
    }

    private <T> T timed(Operation operation, Supplier<T> call) {
        long start = System.nanoTime();
        Outcome outcome = Outcome.ERROR;
        try {
            T result = call.get();
            outcome = Outcome.OK;
            return result;
        } catch (StoreUnavailableException e) {
            outcome = Outcome.UNAVAILABLE;
            outages.failed(e);
            throw e;
        } catch (RuntimeException e) {
            // the store answered and refused (owner change, size, conflict): it is up
            outcome = e.getClass().getPackageName().equals(SessionStore.class.getPackageName())
                    ? Outcome.REFUSED : Outcome.ERROR;
            throw e;
        } finally {
            if (outcome == Outcome.OK || outcome == Outcome.REFUSED) {
                outages.succeeded();
            } else {
                errors[operation.ordinal()].increment();
            }
            timer(operation, outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private Timer timer(Operation operation, Outcome outcome) {
        Timer t = timers[operation.ordinal()][outcome.ordinal()];
        if (t == null) {
            // a race registers the same meter twice: the registry hands both the one instance
            t = Timer.builder("session_store_operations")
                    .description("Store operations by operation and outcome (ok, refused, unavailable, error)")
                    .tag("operation", operation.tag).tag("outcome", outcome.tag)
                    .serviceLevelObjectives(SLO_BUCKETS)
                    .register(registry);
            timers[operation.ordinal()][outcome.ordinal()] = t;
        }
        return t;
    }
}
