package io.sessionservice.store;

import io.sessionservice.core.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the log says about a store outage, however many requests it fails: one WARN when it starts
 * (with the store's error), a summary at most every {@link #SUMMARY_EVERY} while it lasts (store
 * operations failed, requests answered 503), one INFO when the store answers again. One WARN per
 * failed request wrote 7,005 lines in 30 s of a Redis outage under load (issue 14).
 *
 * <p>A store that flaps (a Redis Cluster with one node down: some operations fail, others succeed)
 * must not log a WARN/INFO pair per flip: an outage that starts within {@link #SUMMARY_EVERY} of the
 * last one's end is not announced at once; it is counted, and reported by the next summary if it
 * lasts. Store errors carry no tokens or keys (each store strips what a server quotes back).
 *
 * <p>The store's answers feed it through {@link #failed} and {@link #succeeded} (the service's
 * {@link MeteredSessionStore}), the HTTP layer through {@link #answeredUnavailable()}. The path of a
 * healthy store costs one volatile read.
 */
public final class StoreOutageLog {

    /** At most one summary line per this while the store is down. */
    public static final Duration SUMMARY_EVERY = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(StoreOutageLog.class);

    private final String store;
    private final Clock clock;
    private final LongAdder failures = new LongAdder();
    private final LongAdder unavailableAnswers = new LongAdder();
    private volatile boolean down;
    // guarded by this
    private boolean announced;
    private Instant downSince = Instant.MIN;
    private Instant lastLine = Instant.MIN;
    private Instant lastBack = Instant.MIN;

    /** {@code store}: the store's type, as the log names it (memory, redis, ...). */
    public StoreOutageLog(String store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Whether the last store operation failed as unavailable. */
    public boolean down() {
        return down;
    }

    /** A store operation failed as unavailable. */
    public void failed(StoreUnavailableException e) {
        failures.increment();
        synchronized (this) {
            Instant now = clock.instant();
            if (!down) {
                down = true;
                downSince = now;
                announced = !now.isBefore(lastBack.plus(SUMMARY_EVERY));
                if (announced) {
                    LOG.warn("Session store {} unavailable ({}); requests get 503 until it answers, "
                            + "a summary follows at most every {} s", store, e.getMessage(), SUMMARY_EVERY.toSeconds());
                    failures.reset();
                    lastLine = now;
                    return;
                }
            }
            summariseIfDue(now, e.getMessage());
        }
    }

    /** A request was answered 503 because the store is unavailable. */
    public void answeredUnavailable() {
        unavailableAnswers.increment();
        if (down) {
            synchronized (this) {
                summariseIfDue(clock.instant(), null);
            }
        }
    }

    /** A store operation got an answer from the store (whatever it was). */
    public void succeeded() {
        if (!down) {
            return;
        }
        synchronized (this) {
            if (!down) {
                return;
            }
            down = false;
            Instant now = clock.instant();
            lastBack = now;
            if (announced) {
                LOG.info("Session store {} is back after {} s; since the last line {} store operations failed "
                                + "and {} requests were answered 503", store,
                        Duration.between(downSince, now).toSeconds(), failures.sumThenReset(),
                        unavailableAnswers.sumThenReset());
                lastLine = now;
            }
            // an unannounced blip: its counts go into the next line
        }
    }

    private void summariseIfDue(Instant now, String error) {
        if (!down || now.isBefore(lastLine.plus(SUMMARY_EVERY))) {
            return;
        }
        LOG.warn("Session store {} {} for {} s: {} store operations failed and {} requests were answered 503 "
                        + "since the last line{}", store, announced ? "still unavailable" : "unavailable again",
                Duration.between(downSince, now).toSeconds(), failures.sumThenReset(),
                unavailableAnswers.sumThenReset(), error == null ? "" : "; last error: " + error);
        announced = true;
        lastLine = now;
    }
}
