package io.sessionservice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.ServerFields;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionLimits;
import io.sessionservice.core.SessionService;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.TokensAtRest;
import io.sessionservice.core.UserSessionRequest;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * tokens.atRest hashed, on a real store: after creating, reading and writing sessions through the
 * service, the store's raw content (keys, documents, user index) holds each token's SHA-256 and never
 * the token. A store's test implements this and says how to read its backend directly.
 */
public interface TokensAtRestContract {

    SessionStore store();

    TestClock testClock();

    /**
     * Everything the backend holds for this user's sessions, as text (key names and values), read
     * past the store: {@code storageKeys} are the digests the service used, for stores that look
     * records up by key.
     */
    String rawContent(String userId, List<String> storageKeys) throws Exception;

    /** What the backend was sent while {@code action} ran (Redis: MONITOR); empty where nothing observes it. */
    default String sentDuring(Runnable action) throws Exception {
        action.run();
        return "";
    }

    @Test
    default void hashedTokensLeaveNoTokenInTheStore() throws Exception {
        var fields = new ServerFields("xSessionToken", java.util.Set.of("xSessionToken"));
        SessionService service = new SessionService(store(), testClock(), 600, 86_400, SessionLimits.DEFAULT, fields,
                TokensAtRest.HASHED);
        String user = "at-rest-" + UUID.randomUUID();
        String supplied = "supplied-" + UUID.randomUUID().toString().replace("-", "");
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("AccountId", user).put("xSessionToken", supplied);
        AtomicReference<Session> issued = new AtomicReference<>();

        String sent = sentDuring(() -> {
            assertEquals(supplied, service.createStateSession(body, null).token());
            issued.set(service.createUserSession(new UserSessionRequest(user, null, 600L, null, null)));
            service.patch(supplied, JsonNodeFactory.instance.objectNode().put("n", 1)).orElseThrow();
            service.get(issued.get().token()).orElseThrow();
            assertTrue(service.verify(user, supplied));
        });
        String issuedToken = issued.get().token();
        List<String> keys = List.of(TokensAtRest.HASHED.storageKey(supplied), TokensAtRest.HASHED.storageKey(issuedToken));

        String raw = rawContent(user, keys);
        for (String key : keys) {
            assertTrue(raw.contains(key), "the raw content read holds the digest " + key + ": " + raw);
        }
        for (String token : List.of(supplied, issuedToken)) {
            assertFalse(raw.contains(token), "the store holds a token in the clear: " + raw);
            assertFalse(sent.contains(token), "a token went to the store in the clear: " + sent);
            assertTrue(store().find(token, false).isEmpty(), "the store knows the session by the token itself");
        }
        // Everything works as before, except that sessions read by user carry digests, not tokens.
        assertEquals(supplied, service.get(supplied).orElseThrow().token());
        assertEquals(1, service.get(supplied).orElseThrow().data().get("n").asInt());
        assertEquals(java.util.Set.copyOf(keys),
                java.util.Set.copyOf(service.sessionsOf(user).stream().map(Session::token).toList()));
        assertTrue(service.delete(supplied));
        assertTrue(service.get(supplied).isEmpty());
        assertEquals(1, service.endSessionsOf(user));
        assertFalse(service.verify(user, issuedToken));
    }

    /** POST /rotate in hashed mode: the store moves digests; neither token reaches it (Redis Cluster: one slot). */
    @Test
    default void aHashedRotationLeavesNeitherTokenInTheStore() throws Exception {
        var fields = new ServerFields("xSessionToken", java.util.Set.of("xSessionToken"));
        SessionService service = new SessionService(store(), testClock(), 600, 86_400, SessionLimits.DEFAULT, fields,
                TokensAtRest.HASHED);
        String user = "at-rest-rotated-" + UUID.randomUUID();
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("AccountId", user).put("n", 1);
        AtomicReference<Session> created = new AtomicReference<>();
        AtomicReference<Session> rotated = new AtomicReference<>();
        String sent = sentDuring(() -> {
            created.set(service.createStateSession(body, null));
            rotated.set(service.rotate(created.get().token()).orElseThrow());
        });
        String oldToken = created.get().token();
        String newToken = rotated.get().token();
        assertTrue(service.get(oldToken).isEmpty(), "the old token ends");
        assertEquals(1, service.get(newToken).orElseThrow().data().get("n").asInt());
        assertEquals(newToken, service.get(newToken).orElseThrow().token(), "answered under the token presented");
        String newKey = TokensAtRest.HASHED.storageKey(newToken);
        assertEquals(List.of(newKey), service.sessionsOf(user).stream().map(Session::token).toList(),
                "the user's index names the new digest");
        String raw = rawContent(user, List.of(newKey));
        assertTrue(raw.contains(newKey), "the raw content read holds the new digest: " + raw);
        for (String token : List.of(oldToken, newToken)) {
            assertFalse(raw.contains(token), "the store holds a token in the clear: " + raw);
            assertFalse(sent.contains(token), "a token went to the store in the clear: " + sent);
        }
        assertEquals(1, service.endSessionsOf(user));
    }
}
