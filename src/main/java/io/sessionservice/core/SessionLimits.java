package io.sessionservice.core;

/**
 * The bounds the service keeps on what clients control (SPEC §2) and on a session's life (issue 13).
 *
 * @param maxSessionBytes    largest {@link DataSize} of a session's data; a write past it is refused
 * @param maxSessionsPerUser live sessions one user may hold; creating one more ends the oldest
 * @param maxLifetimeSec     a sliding session never lives past createdAt + this; 0 = no cap
 * @param rotationGraceSec   after a rotation the old token stays a read-only copy this long; 0 = it ends at once
 */
public record SessionLimits(long maxSessionBytes, int maxSessionsPerUser, long maxLifetimeSec, long rotationGraceSec) {

    public static final long DEFAULT_MAX_SESSION_BYTES = 65_536;
    public static final int DEFAULT_MAX_SESSIONS_PER_USER = 100;
    public static final long DEFAULT_MAX_LIFETIME_SEC = 7 * 86_400;
    public static final long DEFAULT_ROTATION_GRACE_SEC = 0;
    /** The longest rotationGraceSec: a grace is for requests already in flight, not a second session. */
    public static final long MAX_ROTATION_GRACE_SEC = 300;
    public static final SessionLimits DEFAULT =
            new SessionLimits(DEFAULT_MAX_SESSION_BYTES, DEFAULT_MAX_SESSIONS_PER_USER);

    public SessionLimits {
        if (maxSessionBytes < 1) {
            throw new IllegalArgumentException("maxSessionBytes must be positive");
        }
        if (maxSessionsPerUser < 1) {
            throw new IllegalArgumentException("maxSessionsPerUser must be positive");
        }
        if (maxLifetimeSec < 0 || maxLifetimeSec > SessionService.MAX_TTL_LIMIT_SECONDS) {
            throw new IllegalArgumentException("maxLifetimeSec must be 0 (off) to " + SessionService.MAX_TTL_LIMIT_SECONDS);
        }
        if (rotationGraceSec < 0 || rotationGraceSec > MAX_ROTATION_GRACE_SEC) {
            throw new IllegalArgumentException("rotationGraceSec must be 0 to " + MAX_ROTATION_GRACE_SEC);
        }
    }

    /** Limits with the default lifetime cap and rotation grace. */
    public SessionLimits(long maxSessionBytes, int maxSessionsPerUser) {
        this(maxSessionBytes, maxSessionsPerUser, DEFAULT_MAX_LIFETIME_SEC, DEFAULT_ROTATION_GRACE_SEC);
    }

    /** These limits with another lifetime cap and rotation grace. */
    public SessionLimits withLifecycle(long newMaxLifetimeSec, long newRotationGraceSec) {
        return new SessionLimits(maxSessionBytes, maxSessionsPerUser, newMaxLifetimeSec, newRotationGraceSec);
    }
}
