package io.sessionservice.it;

import static io.sessionservice.it.HttpApiSupport.assertStateError;
import static io.sessionservice.it.HttpApiSupport.assertUnknownToken;
import static io.sessionservice.it.HttpApiSupport.assertUserError;
import static io.sessionservice.it.HttpApiSupport.json;
import static io.sessionservice.it.HttpApiSupport.ok;
import static io.sessionservice.it.HttpApiSupport.uniqueUser;
import static io.sessionservice.it.HttpApiSupport.userSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sessionservice.it.Http.Reply;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operations endpoints over HTTP (GET /health, /metrics, /openapi.yaml) and SPEC §6: while the store is
 * unreachable, 503 with Retry-After and health DOWN; served again once it is back. Run by {@link AbstractHttpApiIT}.
 */
interface OperationsTests extends HttpApiFixture {

    /** The store name GET /health reports. */
    String storeType();

    /**
     * Makes the store unreachable while the service runs, for {@link #storeTroubleIs503WithRetryAfterAndServiceResumes}.
     *
     * @return false when this store cannot be interrupted: that test is then skipped
     */
    boolean interruptStore() throws Exception;

    /** Undoes {@link #interruptStore()}. */
    void restoreStore() throws Exception;

    // ================================================================== operations

    @Test
    default void healthIsUp() {
        Reply r = http().get("health");
        assertEquals(200, r.status(), r::toString);
        assertEquals(json("status", "UP", "store", storeType()), r.json());
    }

    @Test
    default void metricsCountRequestsByOperationAndStatus() {
        ok(createState("{}"));
        assertUnknownToken(getState("it-unknown-token-for-metrics"), "it-unknown-token-for-metrics");

        Reply r = http().get("metrics");
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type"));
        Matcher m = Pattern.compile("^session_requests_seconds_count\\{operation=\"[^\"]+\",status=\"(\\d{3})\"} \\S+$",
                Pattern.MULTILINE).matcher(r.body());
        Set<String> statuses = new HashSet<>();
        while (m.find()) {
            statuses.add(m.group(1));
        }
        assertTrue(statuses.containsAll(List.of("200", "401")), () -> "statuses " + statuses + " in\n" + r.body());
        // named by the resource method that answered, not "unmatched"
        assertTrue(r.body().contains("session_requests_seconds_count{operation=\"create\",status=\"200\"}"), r::body);
        assertTrue(r.body().contains("session_requests_seconds_count{operation=\"get\",status=\"401\"}"), r::body);
    }

    @Test
    default void openApiDocumentIsServed() {
        Reply r = http().get("openapi.yaml");
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.body().startsWith("openapi:"), r::toString);
    }

    // ================================================================== §6 store trouble (stores that can be interrupted)

    @Test
    default void storeTroubleIs503WithRetryAfterAndServiceResumes() throws Exception {
        String token = newStateToken();
        String user = uniqueUser();
        newUserSession(json("user_id", user));
        assumeTrue(interruptStore(), () -> "the " + storeType() + " store cannot be interrupted from the test");
        try {
            for (Reply r : List.of(getState(token), validate(token), createState("{}"), patchState(token, "{}"))) {
                assertStateError(r, 503, "ServiceUnavailableError");
                assertNotNull(r.header("Retry-After"), r::toString);
            }
            for (Reply r : List.of(latest(user), createUser(json("user_id", user)),
                    verify(json("user_id", user, "token", token)))) {
                assertUserError(r, 503);
                assertNotNull(r.header("Retry-After"), r::toString);
            }
            Reply health = http().get("health");
            assertEquals(503, health.status(), health::toString);
            assertEquals("DOWN", health.json().path("status").asText(), health::toString);
        } finally {
            restoreStore();
        }
        // Served again without a restart (sessions from before may or may not have survived the outage).
        ok(getState(newStateToken()));
        String after = uniqueUser();
        newUserSession(json("user_id", after));
        userSuccess(latest(after));
        assertEquals(200, http().get("health").status());
    }
}
