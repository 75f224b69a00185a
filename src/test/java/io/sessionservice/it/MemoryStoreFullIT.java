package io.sessionservice.it;

import static io.sessionservice.it.HttpApiSupport.assertStateError;
import static io.sessionservice.it.HttpApiSupport.assertUserError;
import static io.sessionservice.it.HttpApiSupport.dataOf;
import static io.sessionservice.it.HttpApiSupport.json;
import static io.sessionservice.it.HttpApiSupport.ok;
import static io.sessionservice.it.HttpApiSupport.tokenOf;
import static io.sessionservice.it.HttpApiSupport.uniqueToken;
import static io.sessionservice.it.HttpApiSupport.uniqueUser;
import static io.sessionservice.it.HttpApiSupport.userSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.it.Http.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The memory store's {@code repository.memory.maxSessions} over HTTP: with the store full, a create is
 * store trouble (503 with Retry-After, in both dialects), never the eviction of a live session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemoryStoreFullIT {

    private static final String KEY = "it-key-full-0123456789abcdef";
    private static final int MAX_SESSIONS = 3;

    private ConfiguredWar war;
    private Http http;

    @BeforeAll
    void deploy() throws Exception {
        ObjectNode config = Http.JSON.createObjectNode().put("sessionExpirySec", 3600);
        config.putObject("credentials").putArray("keys").add(KEY);
        config.putObject("repository").put("type", "memory").putObject("memory").put("maxSessions", MAX_SESSIONS);
        war = ConfiguredWar.deploy(new JettyContainer(), "/full", config);
        http = war.http();
    }

    @AfterAll
    void undeploy() throws Exception {
        if (war != null) {
            war.close();
        }
    }

    @Test
    void aCreateIntoAFullStoreIs503AndLiveSessionsStay() {
        String user = uniqueUser();
        List<String> live = new ArrayList<>();
        live.add(tokenOf(ok(http.post("", json("AccountId", user, "n", 0), "x-key", KEY))));
        live.add(userSuccess(http.post("create", json("user_id", user), "x-key", KEY)).get("token").asText());
        live.add(tokenOf(ok(http.post("", "{}", "x-key", KEY))));

        String refusedToken = uniqueToken();
        Reply state = http.post("", json("xSessionToken", refusedToken), "x-key", KEY);
        assertStateError(state, 503, "ServiceUnavailableError");
        assertNotNull(state.header("Retry-After"), state::toString);
        Reply user503 = http.post("create", json("user_id", user, "token", refusedToken), "x-key", KEY);
        assertUserError(user503, 503);
        assertNotNull(user503.header("Retry-After"), user503::toString);
        assertEquals(401, http.get("validate", "x-session-token", refusedToken).status(), "nothing was created");

        for (String token : live) {
            ok(http.get("validate", "x-session-token", token));
        }
        assertEquals(2, userSuccess(http.get("sessions?user_id=" + user, "x-key", KEY)).size());
        assertEquals(json("AccountId", user, "n", 1),
                dataOf(ok(http.patch("", json("n", 1), "x-session-token", live.get(0)))), "writes go on");

        ok(http.delete("", "x-session-token", live.get(2)));
        String again = tokenOf(ok(http.post("", "{}", "x-key", KEY)));
        ok(http.get("validate", "x-session-token", again));
        assertStateError(http.post("", "{}", "x-key", KEY), 503, "ServiceUnavailableError");
    }
}
