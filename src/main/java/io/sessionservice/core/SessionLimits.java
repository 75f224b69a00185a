package io.sessionservice.core;

/**
 * The bounds the service keeps on what clients control (SPEC §2).
 *
 * @param maxSessionBytes    largest {@link DataSize} of a session's data; a write past it is refused
 * @param maxSessionsPerUser live sessions one user may hold; creating one more ends the oldest
 */
public record SessionLimits(long maxSessionBytes, int maxSessionsPerUser) {

    public static final long DEFAULT_MAX_SESSION_BYTES = 65_536;
    public static final int DEFAULT_MAX_SESSIONS_PER_USER = 100;
    public static final SessionLimits DEFAULT =
            new SessionLimits(DEFAULT_MAX_SESSION_BYTES, DEFAULT_MAX_SESSIONS_PER_USER);

    public SessionLimits {
        if (maxSessionBytes < 1) {
            throw new IllegalArgumentException("maxSessionBytes must be positive");
        }
        if (maxSessionsPerUser < 1) {
            throw new IllegalArgumentException("maxSessionsPerUser must be positive");
        }
    }
}
