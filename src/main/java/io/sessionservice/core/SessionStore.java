package io.sessionservice.core;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where sessions live. Every implementation passes {@code SessionStoreContract}.
 *
 * <p>Rules every store keeps: a session whose {@code expiresAt} has passed (by the store's clock)
 * does not exist for any method, whether or not it was physically removed yet; nothing but
 * {@link #insert} creates a session, so an update racing a delete never brings it back; each method
 * is one round trip to the backend where the backend allows it. Backend failures surface as
 * {@link StoreUnavailableException}.
 */
public interface SessionStore extends AutoCloseable {

    /** Stores a new session. @return false, storing nothing, when a live session has its token */
    boolean insert(Session session);

    /**
     * The live session with this token. With {@code touch}, a sliding session's expiry moves to
     * now + ttl first, atomically.
     */
    Optional<Session> find(String token, boolean touch);

    /** Applies {@code mutation} to the live session (sliding its expiry with {@code touch}). */
    Optional<Session> update(String token, Mutation mutation, boolean touch);

    /** Ends the session. @return whether a live session was ended */
    boolean delete(String token);

    /** The live sessions of a user, in no particular order. */
    List<Session> findByUser(String userId);

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
