package io.sessionservice.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * Where sessions live. Every implementation passes {@code SessionStoreContract}.
 *
 * <p>Rules every store keeps: a session whose {@code expiresAt} has passed (by the store's clock)
 * does not exist for any method, whether or not it was physically removed yet; nothing but
 * {@link #insert} creates a session, so an update racing a delete never brings it back; the rules a
 * {@link Mutation} carries (fixed owner, size limit) are checked atomically with its write; each
 * method is one round trip to the backend where the backend allows it. Backend failures surface as
 * {@link StoreUnavailableException}.
 */
public interface SessionStore extends AutoCloseable {

    /**
     * Stores a new session. When its user then holds more than {@code maxSessionsPerUser} live
     * sessions, the oldest (by {@code createdAt}) are ended until that many remain.
     *
     * @return false, storing nothing, when a live session has its token
     */
    boolean insert(Session session, int maxSessionsPerUser);

    /** {@link #insert(Session, int)} without a cap on the user's sessions. */
    default boolean insert(Session session) {
        return insert(session, Integer.MAX_VALUE);
    }

    /**
     * The live session with this token. With {@code touch}, a sliding session's expiry moves to
     * now + ttl first, atomically, when that moves it by more than the store's
     * {@link TouchResolution}; else nothing is written and the session comes with its stored expiry.
     */
    Optional<Session> find(String token, boolean touch);

    /**
     * Applies {@code mutation} to the live session (sliding its expiry with {@code touch}, under the
     * store's {@link TouchResolution} as {@link #find} does).
     *
     * @throws OwnerChangeForbiddenException when the mutation's owner is fixed and it would change it
     * @throws SessionTooLargeException      when the data would exceed the mutation's size limit
     */
    Optional<Session> update(String token, Mutation mutation, boolean touch);

    /** Ends the session. @return whether a live session was ended */
    boolean delete(String token);

    /**
     * Moves the live session named {@code token} to {@code newToken}, atomically: the same data, owner,
     * createdAt, expiresAt, ttl, sliding and lifetimeEnd; the user's index names the new token. Of
     * concurrent rotations of one token exactly one succeeds; the others find no live session.
     *
     * <p>The old token: when {@code oldUntil} is null or not after now, it names nothing from then on.
     * Else, until {@code oldUntil} (the rotation grace), it names a <em>read-only copy</em>:
     * {@link #find} answers the session under the old token, its expiry at most {@code oldUntil}, never
     * slid ({@code sliding} false); {@link #update} and {@link #delete} treat the old token as unknown;
     * {@link #findByUser} does not list it; {@link #insert} of that token is refused (it is live). The
     * copy ends by itself at {@code oldUntil}. A store that keeps one record per session (MongoDB) may
     * answer the session as it is now rather than as it was rotated, end the copy with the session, and
     * keep one copy only (a rotation within the grace ends the earlier old token).
     *
     * @param newToken a token from {@link #newTokenFor(String)}
     * @return the session under {@code newToken}; empty (nothing written) when {@code token} names no live
     * session, or only a read-only copy
     * @throws TokenConflictException when {@code newToken} names a live session (nothing changed)
     */
    Optional<Session> rotate(String token, String newToken, Instant oldUntil);

    /**
     * A new issued token for {@link #rotate}: {@link Tokens#issue()} unless the store needs the new token
     * placed near the old one to rotate in one round trip (Redis Cluster: the same hash slot); whatever
     * it returns carries the 256 random bits of {@link Tokens#issue()}.
     */
    default String newTokenFor(String token) {
        return Tokens.issue();
    }

    /**
     * {@link #newTokenFor(String)} when the store knows sessions by a storage key derived from the token
     * ({@code tokens.atRest: hashed}): {@code key} is the old session's storage key, and the store rotates
     * to {@code storageKey.apply(newToken)}, so a store that places keys (Redis Cluster) must place that.
     */
    default String newTokenFor(String key, UnaryOperator<String> storageKey) {
        return newTokenFor(key);
    }

    /**
     * One page of a user's live sessions, newest first (see {@link PageStart} for the order), at most
     * {@code limit}. Costs O(log n + limit) in the user's session count n, not O(n): the latest
     * session of a user is {@code findByUser(user, PageStart.FIRST, 1)}.
     */
    List<Session> findByUser(String userId, PageStart start, int limit);

    /** All live sessions of a user, newest first. */
    default List<Session> findByUser(String userId) {
        return findByUser(userId, PageStart.FIRST, Integer.MAX_VALUE);
    }

    /** Ends every live session of a user. @return how many were ended */
    int deleteByUser(String userId);

    /** Checks that the backend answers. @throws StoreUnavailableException when it does not */
    void ping();

    /** Number of live sessions, where the store can tell cheaply. */
    default OptionalLong liveCount() {
        return OptionalLong.empty();
    }

    @Override
    default void close() {
    }
}
