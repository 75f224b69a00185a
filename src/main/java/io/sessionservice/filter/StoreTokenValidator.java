package io.sessionservice.filter;

import io.sessionservice.config.ConfigException;
import io.sessionservice.config.ServiceConfig;
import io.sessionservice.core.ServerFields;
import io.sessionservice.core.SessionService;
import io.sessionservice.core.SessionStore;
import io.sessionservice.store.SessionStores;
import java.time.Clock;
import java.util.Optional;

/** Validates tokens directly against the session store the service uses (mode {@code store}). */
final class StoreTokenValidator implements TokenValidator {

    private final SessionStore store;
    private final SessionService sessions;

    StoreTokenValidator(ServiceConfig config) {
        if ("memory".equals(config.storeType())) {
            // A memory store lives inside one webapp: the filter would open an empty one of its own.
            throw new ConfigException("SessionAuthFilter mode 'store' needs a shared store (redis, mongodb or "
                    + "couchbase); the configured store is 'memory'. Use mode 'remote' with serviceUrl instead.");
        }
        Clock clock = Clock.systemUTC();
        this.store = SessionStores.open(config, clock);
        // The store keeps tokens as the service does (tokens.atRest): the presented token is hashed alike.
        this.sessions = new SessionService(store, clock, config.sessionExpirySec(), config.maxTtlSec(),
                config.limits(), ServerFields.NONE, config.tokensAtRest());
    }

    @Override
    public Optional<AuthenticatedSession> validate(String token, boolean touch) {
        return (touch ? sessions.get(token) : sessions.validate(token)).map(AuthenticatedSession::of);
    }

    @Override
    public void close() {
        store.close();
    }
}
