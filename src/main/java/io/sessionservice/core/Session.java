package io.sessionservice.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One session as every store keeps it. {@code data} is the client's JSON object; treat a Session
 * as immutable (stores and the service hand out copies made with the {@code with*} methods).
 *
 * @param token      the secret that names the session
 * @param userId     owner of the session: {@code data.AccountId} when that is a string, else null
 * @param data       arbitrary client fields (never the server-managed ones)
 * @param createdAt  creation instant, millisecond precision
 * @param expiresAt  the session does not exist from this instant on
 * @param ttlSeconds lifetime in whole seconds; sliding sessions move expiresAt to now + ttl
 * @param sliding    whether reads and writes through the state API extend expiresAt
 * @param lifetimeEnd a sliding session's absolute cap ({@code createdAt + maxLifetimeSec}): no slide moves
 *                   expiresAt past it; null when uncapped (and for absolute sessions, which never slide)
 */
public record Session(String token, String userId, ObjectNode data, Instant createdAt,
                      Instant expiresAt, long ttlSeconds, boolean sliding, Instant lifetimeEnd) {

    /** The data field whose string value names the session's user (seed 004's convention). */
    public static final String ACCOUNT_ID = "AccountId";

    public Session {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** A session without a lifetime cap. */
    public Session(String token, String userId, ObjectNode data, Instant createdAt, Instant expiresAt,
                   long ttlSeconds, boolean sliding) {
        this(token, userId, data, createdAt, expiresAt, ttlSeconds, sliding, null);
    }

    public boolean isLiveAt(Instant now) {
        return now.isBefore(expiresAt);
    }

    public Session withExpiresAt(Instant newExpiresAt) {
        return new Session(token, userId, data, createdAt, newExpiresAt, ttlSeconds, sliding, lifetimeEnd);
    }

    public Session withData(ObjectNode newData, String newUserId) {
        return new Session(token, newUserId, newData, createdAt, expiresAt, ttlSeconds, sliding, lifetimeEnd);
    }

    /**
     * The same session under another token: a rotation, or the service swapping a token and its storage
     * key (TokensAtRest); every other field, the lifetime cap too, is kept.
     */
    public Session withToken(String newToken) {
        return new Session(newToken, userId, data, createdAt, expiresAt, ttlSeconds, sliding, lifetimeEnd);
    }

    /** The same session with another ttl (answers show the ttl capped by the lifetime, see SessionService). */
    public Session withTtlSeconds(long newTtlSeconds) {
        return new Session(token, userId, data, createdAt, expiresAt, newTtlSeconds, sliding, lifetimeEnd);
    }

    /** The new expiry of a read or write at {@code now}: slid for sliding sessions when touched, never past the cap. */
    public Instant expiryAfterAccess(Instant now, boolean touch) {
        return touch && sliding ? slidTo(now) : expiresAt;
    }

    /** now + ttl, capped by {@link #lifetimeEnd}; never earlier than the current expiry (a slide only extends). */
    private Instant slidTo(Instant now) {
        Instant slid = now.plusSeconds(ttlSeconds);
        if (lifetimeEnd != null && slid.isAfter(lifetimeEnd)) {
            slid = lifetimeEnd.isAfter(expiresAt) ? lifetimeEnd : expiresAt;
        }
        return slid;
    }

    /**
     * The new expiry of a read or write at {@code now} under a touch resolution: slid to now + ttl
     * only when that moves it by more than the resolution, else unchanged (nothing to write).
     */
    public Instant expiryAfterAccess(Instant now, boolean touch, TouchResolution resolution) {
        if (!touch || !sliding) {
            return expiresAt;
        }
        long end = lifetimeEnd == null ? Long.MAX_VALUE : lifetimeEnd.toEpochMilli();
        return resolution.mustWrite(expiresAt.toEpochMilli(), ttlSeconds * 1000, now.toEpochMilli(), end)
                ? slidTo(now) : expiresAt;
    }

    /** The user id that a data object implies: its AccountId when that is a string. */
    public static String userIdOf(ObjectNode data) {
        var accountId = data.get(ACCOUNT_ID);
        return accountId != null && accountId.isTextual() ? accountId.textValue() : null;
    }

    @Override
    public String toString() {
        // Never print the token: it is a bearer secret.
        return "Session[token=" + Tokens.fingerprint(token) + ", userId=" + userId
                + ", expiresAt=" + expiresAt + ", ttl=" + ttlSeconds + ", sliding=" + sliding
                + (lifetimeEnd == null ? "" : ", lifetimeEnd=" + lifetimeEnd) + "]";
    }
}
