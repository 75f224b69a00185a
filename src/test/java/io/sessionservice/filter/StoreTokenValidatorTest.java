package io.sessionservice.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sessionservice.config.ServiceConfig;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionService;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.TokensAtRest;
import io.sessionservice.core.UserSessionRequest;
import io.sessionservice.store.SessionStores;
import io.sessionservice.testing.TestConfigs;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Mode {@code store} reads the store as the service writes it: with {@code tokens.atRest: hashed} the
 * filter looks a presented token up by its digest (the shared Redis, under a prefix of this test's own).
 */
class StoreTokenValidatorTest {

    private final String prefix = "filter-at-rest-" + UUID.randomUUID() + ":";

    private ServiceConfig config(TokensAtRest atRest) {
        TestConfigs configs = TestConfigs.store("redis");
        configs.section("redis").put("url", "redis://127.0.0.1:6379").put("keyPrefix", prefix);
        return configs.build().withTokensAtRest(atRest);
    }

    @Test
    void theFilterHashesThePresentedTokenAsTheServiceStoredIt() throws Exception {
        ServiceConfig hashed = config(TokensAtRest.HASHED);
        Clock clock = Clock.systemUTC();
        String user = "filter-user-" + UUID.randomUUID();
        Session created;
        try (SessionStore store = SessionStores.open(hashed, clock)) {
            SessionService service = new SessionService(store, clock, 600, 86_400,
                    hashed.limits(), io.sessionservice.core.ServerFields.NONE, TokensAtRest.HASHED);
            created = service.createUserSession(new UserSessionRequest(user, null, 600L, null, null));
        }
        try (StoreTokenValidator filter = new StoreTokenValidator(hashed)) {
            AuthenticatedSession admitted = filter.validate(created.token(), false).orElseThrow();
            assertEquals(user, admitted.userId());
            assertTrue(filter.validate(created.token(), true).isPresent(), "a touch finds it too");
        }
        // A filter left on plain would look for the token itself and find nothing: the setting matters.
        try (StoreTokenValidator plain = new StoreTokenValidator(config(TokensAtRest.PLAIN))) {
            assertTrue(plain.validate(created.token(), false).isEmpty());
        }
    }
}
