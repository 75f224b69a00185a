package io.sessionservice.it;

import static io.sessionservice.it.AbstractHttpApiIT.KEY;
import static io.sessionservice.it.Http.query;
import static io.sessionservice.it.HttpApiSupport.ISO;
import static io.sessionservice.it.HttpApiSupport.assertUnknownToken;
import static io.sessionservice.it.HttpApiSupport.assertUserError;
import static io.sessionservice.it.HttpApiSupport.assertUserSession;
import static io.sessionservice.it.HttpApiSupport.dataOf;
import static io.sessionservice.it.HttpApiSupport.expires;
import static io.sessionservice.it.HttpApiSupport.instant;
import static io.sessionservice.it.HttpApiSupport.json;
import static io.sessionservice.it.HttpApiSupport.now;
import static io.sessionservice.it.HttpApiSupport.ok;
import static io.sessionservice.it.HttpApiSupport.tokenOf;
import static io.sessionservice.it.HttpApiSupport.tokensOf;
import static io.sessionservice.it.HttpApiSupport.uniqueToken;
import static io.sessionservice.it.HttpApiSupport.uniqueUser;
import static io.sessionservice.it.HttpApiSupport.userSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC §4, the user-session API over HTTP after creation ({@link UserSessionCreateTests}): GET /session,
 * GET and DELETE /sessions, POST /verify, the key every endpoint needs, and the state API's sessions that
 * belong to a user through AccountId. Run by {@link AbstractHttpApiIT}.
 */
interface UserSessionApiTests extends HttpApiFixture {

    // ================================================================== §4 GET /session, /sessions, POST /verify

    @Test
    default void latestSessionIsTheOneCreatedLast() {
        String user = uniqueUser();
        Instant now = now();
        String threeHours = createdAgo(user, now, 3);
        String oneHour = createdAgo(user, now, 1);
        String twoHours = createdAgo(user, now, 2);

        JsonNode latest = userSuccess(latest(user));
        assertUserSession(latest);
        assertEquals(oneHour, latest.get("token").asText());
        assertEquals(user, latest.get("user_id").asText());
        assertEquals(ISO.format(now.minus(Duration.ofHours(1))), latest.get("created_at").asText());
        assertEquals(List.of(oneHour, twoHours, threeHours), tokensOf(userSuccess(list(user))), "newest first");

        String stateToken = tokenOf(ok(createState(json("AccountId", user))));
        JsonNode newest = userSuccess(latest(user));
        assertEquals(stateToken, newest.get("token").asText(), "a POST / session counts through AccountId");
        assertEquals(user, newest.get("user_id").asText());
        assertEquals(List.of(stateToken, oneHour, twoHours, threeHours), tokensOf(userSuccess(list(user))));
    }

    @Test
    default void stateSessionsBelongToTheUserNamedByAStringAccountId() {
        String user = uniqueUser();
        JsonNode rep = ok(createState(json("AccountId", user, "role", "admin"), "x-ttl", "900"));
        String token = tokenOf(rep);

        JsonNode s = userSuccess(latest(user));
        assertUserSession(s);
        assertEquals(token, s.get("token").asText());
        assertEquals(user, s.get("user_id").asText());
        assertEquals(900, s.get("ttl").longValue());
        assertEquals(expires(rep), instant(s.get("expired_at")));
        assertEquals("true", verifyAnswer(user, token));

        String numeric = Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()));
        ok(createState("{\"AccountId\":" + numeric + "}"));
        assertUserError(latest(numeric), 404, "a non-string AccountId names no user");

        String next = uniqueUser();
        ok(patchStateKeyed(token, json("AccountId", next)));
        assertUserError(latest(user), 404);
        assertEquals(token, userSuccess(latest(next)).get("token").asText(), "keyed PATCH of AccountId moves it");
        assertEquals("false", verifyAnswer(user, token));
        assertEquals("true", verifyAnswer(next, token));

        ok(patchStateKeyed(token, "{\"AccountId\":null}"));
        assertUserError(latest(next), 404);
    }

    @Test
    default void userWithoutLiveSessionsIs404() {
        assertUserError(latest(uniqueUser()), 404);
    }

    @Test
    default void userIdQueryParameterIsRequired() {
        for (String path : List.of("session", "session?user_id=", "sessions", "sessions?user_id=")) {
            assertUserError(http().get(path, "x-key", KEY), 400);
        }
        for (String path : List.of("sessions", "sessions?user_id=")) {
            assertUserError(http().delete(path, "x-key", KEY), 400);
        }
    }

    @Test
    default void verifyAnswersTrueOnlyForALiveTokenOfThatUser() {
        String user = uniqueUser();
        String other = uniqueUser();
        String token = newUserSession(json("user_id", user)).get("token").asText();
        String otherToken = newUserSession(json("user_id", other)).get("token").asText();

        assertEquals("true", verifyAnswer(user, token));
        JsonNode ignored = userSuccess(verify(json("user_id", user, "token", token, "ttl", "garbage",
                "created_at", "nonsense", "expired_at", false, "extra", Map.of("x", 1))));
        assertEquals("true", ignored.textValue(), "other fields are ignored");

        assertEquals("false", verifyAnswer(other, token));
        assertEquals("false", verifyAnswer(user, otherToken));
        assertEquals("false", verifyAnswer(user, uniqueToken()));
        assertEquals("false", verifyAnswer(user, "short"));
        assertEquals("false", verifyAnswer(user + "x", token));

        String stateToken = tokenOf(ok(createState(json("AccountId", user))));
        assertEquals("true", verifyAnswer(user, stateToken));

        ok(deleteState(token));
        assertEquals("false", verifyAnswer(user, token));
    }

    static Stream<Arguments> incompleteVerifyBodies() {
        String t = "\"it-token-0123456789abcdef\"";
        return Stream.of(arguments("no body", null), arguments("empty object", "{}"),
                arguments("no token", "{\"user_id\":\"u\"}"), arguments("no user_id", "{\"token\":" + t + "}"),
                arguments("null user_id", "{\"user_id\":null,\"token\":" + t + "}"),
                arguments("null token", "{\"user_id\":\"u\",\"token\":null}"),
                arguments("numeric user_id", "{\"user_id\":123,\"token\":" + t + "}"),
                arguments("array token", "{\"user_id\":\"u\",\"token\":[]}"),
                arguments("array body", "[]"), arguments("malformed JSON", "{\"user_id\":"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("incompleteVerifyBodies")
    default void verifyRequiresUserIdAndToken(String why, String body) {
        assertUserError(verify(body), 400);
    }

    static Stream<Arguments> userApiCalls() {
        return Stream.of(arguments("POST", "create", "{\"user_id\":\"it-user-no-key\"}"),
                arguments("GET", "session?user_id=it-user-no-key", null),
                arguments("GET", "sessions?user_id=it-user-no-key", null),
                arguments("DELETE", "sessions?user_id=it-user-no-key", null),
                arguments("POST", "verify", "{\"user_id\":\"it-user-no-key\",\"token\":\"it-token-0123456789abcdef\"}"));
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("userApiCalls")
    default void userApiRequiresTheKey(String method, String path, String body) {
        assertUserError(http().send(method, path, body), 401);
        assertUserError(http().send(method, path, body, "x-key", "wrong-key"), 401);
        assertUserError(http().send(method, path, body, "x-key", ""), 401);
    }

    @Test
    default void userApiCallsWithoutTheKeyChangeNothing() {
        String user = uniqueUser();
        String token = newUserSession(json("user_id", user)).get("token").asText();
        assertUserError(http().delete("sessions?" + query("user_id", user)), 401);
        assertUserError(http().post("create", json("user_id", user), "x-key", "wrong-key"), 401);
        assertEquals(List.of(token), tokensOf(userSuccess(list(user))));
        assertEquals("true", verifyAnswer(user, token));
    }

    @Test
    default void listSessionsShowsOnlyThatUsersLiveSessions() {
        String user = uniqueUser();
        String token = newUserSession(json("user_id", user)).get("token").asText();
        newUserSession(json("user_id", uniqueUser()));

        JsonNode list = userSuccess(list(user));
        assertTrue(list.isArray());
        assertEquals(List.of(token), tokensOf(list));
        assertUserSession(list.get(0));
        JsonNode none = userSuccess(list(uniqueUser()));
        assertTrue(none.isArray() && none.isEmpty(), "no sessions: an empty array");
    }

    @Test
    default void deleteSessionsEndsEverySessionOfTheUserAndAnswersTheCount() {
        String user = uniqueUser();
        String other = uniqueUser();
        List<String> tokens = List.of(newUserSession(json("user_id", user)).get("token").asText(),
                newUserSession(json("user_id", user, "ttl", "2h")).get("token").asText(),
                tokenOf(ok(createState(json("AccountId", user)))));
        String otherToken = newUserSession(json("user_id", other)).get("token").asText();

        JsonNode count = userSuccess(endAll(user));
        assertTrue(count.isIntegralNumber(), "message is the count: " + count);
        assertEquals(3, count.intValue());

        assertEquals(0, userSuccess(list(user)).size());
        assertUserError(latest(user), 404);
        for (String token : tokens) {
            assertUnknownToken(getState(token), token);
            assertEquals("false", verifyAnswer(user, token));
        }
        assertEquals(List.of(otherToken), tokensOf(userSuccess(list(other))), "other users keep their sessions");
        assertEquals("true", verifyAnswer(other, otherToken));
        assertEquals(0, userSuccess(endAll(user)).intValue());
    }

    @Test
    default void unicodeUserIdsWork() {
        String user = "ユーザー-é-🎉-" + UUID.randomUUID();
        String token = newUserSession(json("user_id", user)).get("token").asText();
        assertEquals(user, userSuccess(latest(user)).get("user_id").asText());
        assertEquals("true", verifyAnswer(user, token));
        assertEquals(json("AccountId", user), dataOf(ok(getState(token))));
    }

    // ================================================================== helpers

    private String createdAgo(String user, Instant now, int hours) {
        return newUserSession(json("user_id", user, "created_at", ISO.format(now.minus(Duration.ofHours(hours))),
                "ttl", "24h")).get("token").asText();
    }
}
