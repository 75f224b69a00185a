package io.sessionservice.core;

/**
 * How far a touch may leave a sliding session's expiry behind before it must write: a touch that
 * would move the expiry by at most {@code min(maxMillis, ttl / 100)} writes nothing (the session keeps
 * its expiry, at most that much short of now + ttl). So a session read many times a second costs one
 * write per resolution, not one per read. {@link #EXACT} writes on every touch.
 *
 * @param maxMillis the setting {@code touchResolutionSec} in milliseconds (0..3600 s)
 */
public record TouchResolution(long maxMillis) {

    public static final long DEFAULT_SECONDS = 60;
    public static final long MAX_SECONDS = 3600;
    public static final TouchResolution EXACT = new TouchResolution(0);
    public static final TouchResolution DEFAULT = ofSeconds(DEFAULT_SECONDS);

    public TouchResolution {
        if (maxMillis < 0 || maxMillis > MAX_SECONDS * 1000) {
            throw new IllegalArgumentException("touchResolutionSec must be 0.." + MAX_SECONDS);
        }
    }

    public static TouchResolution ofSeconds(long seconds) {
        return new TouchResolution(seconds * 1000);
    }

    /** The resolution for a session of this ttl: {@code min(maxMillis, ttl / 100)}. */
    public long millisFor(long ttlMillis) {
        return Math.min(maxMillis, ttlMillis / 100);
    }

    /**
     * Whether touching, at {@code nowMillis}, a sliding session that expires at {@code expiresAtMillis}
     * with this ttl must write its new expiry {@code nowMillis + ttlMillis}.
     */
    public boolean mustWrite(long expiresAtMillis, long ttlMillis, long nowMillis) {
        return Math.addExact(nowMillis, ttlMillis) - expiresAtMillis > millisFor(ttlMillis);
    }

    /**
     * {@link #mustWrite(long, long, long)} for a session capped at {@code lifetimeEndMillis}
     * ({@link Long#MAX_VALUE}: uncapped), whose slide goes to min(now + ttl, its lifetime end): a
     * session at its cap never writes.
     */
    public boolean mustWrite(long expiresAtMillis, long ttlMillis, long nowMillis, long lifetimeEndMillis) {
        long slid = Math.min(Math.addExact(nowMillis, ttlMillis), Math.max(lifetimeEndMillis, expiresAtMillis));
        return slid - expiresAtMillis > millisFor(ttlMillis);
    }
}
