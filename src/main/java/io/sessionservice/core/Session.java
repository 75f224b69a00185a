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
 */
public record Session(String token, String userId, ObjectNode data, Instant createdAt,
                      Instant expiresAt, long ttlSeconds, boolean sliding) {

    /** The data field whose string value names the session's user (seed 004's convention). */
    public static final String ACCOUNT_ID = "AccountId";

    public Session {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean isLiveAt(Instant now) {
        return now.isBefore(expiresAt);
    }

    /** The same session under another name: the service swaps a token and its storage key (TokensAtRest). */
    public Session withToken(String newToken) {
        return new Session(newToken, userId, data, createdAt, expiresAt, ttlSeconds, sliding);
    }

    public Session withExpiresAt(Instant newExpiresAt) {
        return new Session(token, userId, data, createdAt, newExpiresAt, ttlSeconds, sliding);
    }

    public Session withData(ObjectNode newData, String newUserId) {
        return new Session(token, newUserId, newData, createdAt, expiresAt, ttlSeconds, sliding);
    }

    /** The new expiry of a read or write at {@code now}: slid for sliding sessions when touched. */
    public Instant expiryAfterAccess(Instant now, boolean touch) {
        return touch && sliding ? now.plusSeconds(ttlSeconds) : expiresAt;
    }

    /**
     * The new expiry of a read or write at {@code now} under a touch resolution: slid to now + ttl
     * only when that moves it by more than the resolution, else unchanged (nothing to write).
     */
    public Instant expiryAfterAccess(Instant now, boolean touch, TouchResolution resolution) {
        return touch && sliding && resolution.mustWrite(expiresAt.toEpochMilli(), ttlSeconds * 1000, now.toEpochMilli())
                ? now.plusSeconds(ttlSeconds) : expiresAt;
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
                + ", expiresAt=" + expiresAt + ", ttl=" + ttlSeconds + ", sliding=" + sliding + "]";
    }
}
