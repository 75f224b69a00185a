package io.sessionservice.core;

import java.time.Instant;

/**
 * A {@code POST /create} request after JSON typing; expiry rules are applied by {@link SessionService}.
 * Any field but {@code userId} may be null.
 */
public record UserSessionRequest(String userId, String token, Long ttlSeconds, Instant createdAt, Instant expiresAt) {
}
