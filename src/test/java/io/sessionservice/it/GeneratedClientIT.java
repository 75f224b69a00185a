package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.client.ApiClient;
import io.sessionservice.client.ApiException;
import io.sessionservice.client.model.SessionData;
import io.sessionservice.client.model.StateCreateRequest;
import io.sessionservice.client.model.StateSession;
import io.sessionservice.client.model.UserSession;
import io.sessionservice.client.model.UserSessionCreateRequest;
import io.sessionservice.client.model.UserSessionCreateRequestTtl;
import io.sessionservice.client.model.UserSessionListEnvelope;
import io.sessionservice.client.model.ListedUserSession;
import io.sessionservice.client.model.Validation;
import io.sessionservice.client.model.VerifyEnvelope;
import io.sessionservice.client.model.VerifyRequest;
import io.sessionservice.client.api.StateApi;
import io.sessionservice.client.api.UserSessionApi;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The API document proven by a client generated from it (openapi-generator, {@code native} library,
 * at build time into target/generated-test-sources): the state and user-session flows run through
 * that client against the WAR in embedded Tomcat. A call the document describes wrongly (a path, a
 * header, a body or answer shape) fails here. One method per flow: a new operation (POST /rotate)
 * is one more method.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedClientIT {

    private static final String KEY = "it-key-client-0123456789abcdef";

    private ConfiguredWar war;
    private StateApi state;
    private UserSessionApi users;

    @BeforeAll
    void deploy() throws Exception {
        ObjectNode config = Http.JSON.createObjectNode().put("sessionExpirySec", 600);
        config.putObject("credentials").putArray("keys").add(KEY);
        config.putObject("repository").put("type", "memory");
        war = ConfiguredWar.deploy(new TomcatContainer(), "/client", config);
        ApiClient client = new ApiClient();
        String base = war.base().toString();
        client.updateBaseUri(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        state = new StateApi(client);
        users = new UserSessionApi(client);
    }

    @AfterAll
    void undeploy() throws Exception {
        if (war != null) {
            war.close();
        }
    }

    @Test
    void stateApiCreateGetValidatePutPatchRotateDelete() throws Exception {
        String user = "client-user-" + UUID.randomUUID();
        StateCreateRequest body = new StateCreateRequest().accountId(user).putAdditionalProperty("cart", List.of(1, 2));
        StateSession created = state.createStateSession(KEY, 300L, null, body);
        String token = created.getxSessionToken();
        assertEquals(43, token.length(), "an issued token");
        assertEquals(300L, created.getTtl());
        assertEquals(user, created.getAdditionalProperty("AccountId"));
        assertEquals(List.of(1, 2), created.getAdditionalProperty("cart"));

        StateSession read = state.getStateSession(token);
        assertEquals(token, read.getxSessionToken());
        assertTrue(!read.getExpires().isBefore(created.getExpires()), "a get slides the expiry");

        Validation valid = state.validateStateSession(token, "true");
        assertTrue(valid.getIsValid());
        assertEquals(300L, valid.getTtl());
        assertEquals(user, valid.getSession().get("AccountId"));

        StateSession replaced = state.replaceStateSession(token,
                new SessionData().accountId(user).putAdditionalProperty("step", "put"), null);
        assertEquals("put", replaced.getAdditionalProperty("step"));
        assertNull(replaced.getAdditionalProperty("cart"), "PUT replaces all data");

        StateSession patched = state.patchStateSession(token, new SessionData().putAdditionalProperty("n", 7), null);
        assertEquals("put", patched.getAdditionalProperty("step"));
        assertEquals(7, patched.getAdditionalProperty("n"));

        StateSession rotated = state.rotateStateSession(token);
        String next = rotated.getxSessionToken();
        assertTrue(!next.equals(token) && next.length() == 43, "a new issued token");
        assertEquals(7, rotated.getAdditionalProperty("n"), "the same data under the new token");
        ApiException old = assertThrows(ApiException.class, () -> state.getStateSession(token));
        assertEquals(401, old.getCode(), "the old token ends at once (rotationGraceSec 0)");

        assertTrue(state.deleteStateSession(next).getDeleted());
        ApiException gone = assertThrows(ApiException.class, () -> state.getStateSession(next));
        assertEquals(401, gone.getCode());
        assertTrue(gone.getResponseBody().contains("UnauthorizedError"), gone.getResponseBody());
    }

    @Test
    void userApiCreateLatestListVerifyLogoutEverywhere() throws Exception {
        String user = "client-user-" + UUID.randomUUID();
        UserSession first = users.createUserSession(KEY, new UserSessionCreateRequest().userId(user)
                .ttl(new UserSessionCreateRequestTtl("1h"))).getMessage();
        String supplied = "client-token-" + UUID.randomUUID();
        UserSession second = users.createUserSession(KEY, new UserSessionCreateRequest().userId(user).token(supplied)
                .ttl(new UserSessionCreateRequestTtl(7200L))).getMessage();
        assertEquals(user, first.getUserId());
        assertEquals(3600L, first.getTtl());
        assertEquals(supplied, second.getToken());
        assertTrue(second.getExpiredAt().isAfter(OffsetDateTime.now().plusMinutes(110)));

        UserSession latest = users.getLatestUserSession(KEY, user).getMessage();
        assertTrue(List.of(first.getToken(), supplied).contains(latest.getToken()));

        UserSessionListEnvelope page = users.listUserSessions(KEY, user, 1, null, null);
        assertEquals(1, page.getMessage().size());
        UserSessionListEnvelope rest = users.listUserSessions(KEY, user, 1, page.getCursor(), null);
        assertEquals(1, rest.getMessage().size());
        assertNull(rest.getCursor(), "the last page has no cursor");
        assertNotEquals(page.getMessage().get(0).getToken(), rest.getMessage().get(0).getToken());
        assertNull(page.getMessage().get(0).getData(), "data only with include=data");
        ListedUserSession withData = users.listUserSessions(KEY, user, 1, null, "data").getMessage().get(0);
        assertEquals(java.util.Map.of("AccountId", user), withData.getData(), "the data as stored");
        assertEquals(Boolean.FALSE, withData.getSliding(), "a session of the user-session API is absolute");

        assertEquals(VerifyEnvelope.MessageEnum.TRUE,
                users.verifyUserSession(KEY, new VerifyRequest().userId(user).token(supplied)).getMessage());
        assertEquals(VerifyEnvelope.MessageEnum.FALSE,
                users.verifyUserSession(KEY, new VerifyRequest().userId("someone-else").token(supplied)).getMessage());

        assertEquals(2, users.endUserSessions(KEY, user).getMessage());
        ApiException none = assertThrows(ApiException.class, () -> users.getLatestUserSession(KEY, user));
        assertEquals(404, none.getCode());
        assertEquals(Map.of("success", false, "message", "No live session for this user_id"),
                Http.JSON.readValue(none.getResponseBody(), Map.class));
    }
}
