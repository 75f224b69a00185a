package io.sessionservice.filter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Session;
import java.time.Instant;

/**
 * What {@link SessionAuthFilter} puts in the request attribute {@link SessionAuthFilter#SESSION_ATTRIBUTE}
 * for an admitted request: the session's owner, data and expiry, in either mode.
 */
public record AuthenticatedSession(String userId, ObjectNode data, Instant expiresAt, long ttlSeconds) {

    /** From a session the store has just read; no copy: store mode never uses the (shared) memory store. */
    static AuthenticatedSession of(Session s) {
        return new AuthenticatedSession(s.userId(), s.data(), s.expiresAt(), s.ttlSeconds());
    }
}
