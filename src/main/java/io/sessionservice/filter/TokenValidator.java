package io.sessionservice.filter;

import java.util.Optional;

/**
 * How {@link SessionAuthFilter} checks a token: against the store, or by asking a running service (the two
 * modes of its init-parameters), or any other way code that builds the filter chooses.
 */
public interface TokenValidator extends AutoCloseable {

    /**
     * The live session of this token (its sliding expiry extended when {@code touch}).
     * @throws io.sessionservice.core.StoreUnavailableException when the store or service does not answer
     */
    Optional<AuthenticatedSession> validate(String token, boolean touch);

    @Override
    default void close() {
    }
}
