package io.sessionservice.it;

import static io.sessionservice.it.AbstractHttpApiIT.DEFAULT_TTL;
import static io.sessionservice.it.AbstractHttpApiIT.KEY;
import static io.sessionservice.it.AbstractHttpApiIT.MAX_LIFETIME;
import static io.sessionservice.it.AbstractHttpApiIT.MAX_TTL;
import static io.sessionservice.it.AbstractHttpApiIT.ROTATED_KEY;
import static io.sessionservice.it.Http.query;
import static io.sessionservice.it.HttpApiSupport.SERVER_FIELDS;
import static io.sessionservice.it.HttpApiSupport.assertIssuedToken;
import static io.sessionservice.it.HttpApiSupport.assertStateError;
import static io.sessionservice.it.HttpApiSupport.assertUnknownToken;
import static io.sessionservice.it.HttpApiSupport.assertUserError;
import static io.sessionservice.it.HttpApiSupport.dataOf;
import static io.sessionservice.it.HttpApiSupport.expires;
import static io.sessionservice.it.HttpApiSupport.fieldNames;
import static io.sessionservice.it.HttpApiSupport.instant;
import static io.sessionservice.it.HttpApiSupport.json;
import static io.sessionservice.it.HttpApiSupport.max;
import static io.sessionservice.it.HttpApiSupport.now;
import static io.sessionservice.it.HttpApiSupport.obj;
import static io.sessionservice.it.HttpApiSupport.ok;
import static io.sessionservice.it.HttpApiSupport.shortPause;
import static io.sessionservice.it.HttpApiSupport.sleepUntil;
import static io.sessionservice.it.HttpApiSupport.tokenOf;
import static io.sessionservice.it.HttpApiSupport.uniqueToken;
import static io.sessionservice.it.HttpApiSupport.uniqueUser;
import static io.sessionservice.it.HttpApiSupport.userSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.it.Http.Reply;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §3, the state API over HTTP: POST / with its key, x-ttl and supplied tokens; GET /, GET /validate, PUT,
 * PATCH and DELETE with sliding expiry; unknown, missing and expired tokens. Run by {@link AbstractHttpApiIT}.
 */
interface StateApiTests extends HttpApiFixture {

    // ================================================================== §3 state API: POST /

    @Test
    default void createAnswersDataThenServerManagedFields() {
        String body = "{\"name\":\"Ada\",\"n\":1,\"tags\":[\"a\",\"b\"]}";
        Instant before = now();
        JsonNode rep = ok(createState(body));
        Instant after = Instant.now();

        assertEquals(List.of("name", "n", "tags", "xSessionToken", "Expires", "Ttl"), fieldNames(rep));
        assertEquals(obj(body), dataOf(rep));
        String token = rep.get("xSessionToken").asText();
        assertIssuedToken(token);
        assertEquals(DEFAULT_TTL, rep.get("Ttl").longValue());
        assertBetween(expires(rep), before.plusSeconds(DEFAULT_TTL), after.plusSeconds(DEFAULT_TTL));

        JsonNode stored = ok(getState(token));
        assertEquals(obj(body), dataOf(stored));
        assertNotEquals(token, tokenOf(ok(createState(body))), "every session gets its own token");
    }

    @Test
    default void createWithoutBodyMakesAnEmptySession() {
        for (Object body : new Object[] {null, "{}"}) {
            JsonNode rep = ok(createState(body));
            assertEquals(SERVER_FIELDS, fieldNames(rep));
            assertEquals(0, dataOf(ok(getState(tokenOf(rep)))).size());
        }
    }

    @Test
    default void createWithoutKeyIs401() {
        assertStateError(http().post("", "{\"a\":1}"), 401, "UnauthorizedError");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "wrong", KEY + "x", "it-key-0123456789abcde", "IT-KEY-0123456789ABCDEF",
            KEY + "," + ROTATED_KEY})
    default void createWithWrongKeyIs401(String key) {
        assertStateError(http().post("", "{\"a\":1}", "x-key", key), 401, "UnauthorizedError");
    }

    @Test
    default void bothRotationKeysAreAccepted() {
        for (String key : List.of(KEY, ROTATED_KEY)) {
            ok(http().post("", "{\"a\":1}", "x-key", key));
            String user = uniqueUser();
            ok(http().post("create", json("user_id", user), "x-key", key));
            ok(http().get("sessions?" + query("user_id", user), "x-key", key));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 120, DEFAULT_TTL, MAX_TTL})
    default void xTtlHeaderSetsTheTtl(long ttl) {
        Instant before = now();
        JsonNode rep = ok(createState("{}", "x-ttl", Long.toString(ttl)));
        Instant after = Instant.now();
        long capped = Math.min(ttl, MAX_LIFETIME); // issue 13: no sliding session outlives maxLifetimeSec
        assertEquals(capped, rep.get("Ttl").longValue());
        assertBetween(expires(rep), before.plusSeconds(capped), after.plusSeconds(capped));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "abc", "2592001", "1.5", "1e3", "0x10", "99999999999999999999", "30m", ""})
    default void invalidXTtlIs400(String ttl) {
        assertStateError(createState("{}", "x-ttl", ttl), 400, "BadRequestError");
    }

    @Test
    default void suppliedTokenIsHonoured() {
        String token = uniqueToken();
        JsonNode rep = ok(createState(json("xSessionToken", token, "k", "v")));
        assertEquals(token, tokenOf(rep));
        assertEquals(json("k", "v"), dataOf(rep));
        JsonNode stored = ok(getState(token));
        assertEquals(List.of("k", "xSessionToken", "Expires", "Ttl"), fieldNames(stored), "token not kept as data");
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 256})
    default void suppliedTokenOf16To256AllowedCharactersIsHonoured(int length) {
        String token = ("._~-" + UUID.randomUUID().toString().replace("-", "")).repeat(8).substring(0, length);
        assertEquals(token, tokenOf(ok(createState(json("xSessionToken", token)))));
        ok(getState(token));
    }

    static Stream<String> malformedSuppliedTokens() {
        return Stream.of("\"" + "a".repeat(15) + "\"", "\"" + "a".repeat(257) + "\"", "\"\"",
                "\"has space in the token\"", "\"slash/is/not/allowed/here\"", "\"plus+is+not+allowed+here\"",
                "\"\\u00fcnic\\u00f6de-not-allowed-here\"", "12345678901234567890", "true", "{}", "[\"a-valid-token-0123\"]");
    }

    @ParameterizedTest
    @MethodSource("malformedSuppliedTokens")
    default void malformedSuppliedTokenIs400(String tokenJson) {
        assertStateError(createState("{\"xSessionToken\":" + tokenJson + ",\"k\":1}"), 400, "BadRequestError");
    }

    @Test
    default void suppliedTokenOfALiveSessionIs409() {
        String token = uniqueToken();
        ok(createState(json("xSessionToken", token, "v", 1)));

        assertStateError(createState(json("xSessionToken", token, "v", 2)), 409, "ConflictError");
        assertEquals(json("v", 1), dataOf(ok(getState(token))), "the live session is untouched");

        ok(deleteState(token));
        assertEquals(json("v", 3), dataOf(ok(createState(json("xSessionToken", token, "v", 3)))),
                "an ended session's token may be used again");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[1,2]", "\"text\"", "42", "true", "null"})
    default void nonObjectBodyIs400(String body) {
        assertEveryWriteRefuses(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"a\":", "{a:1}", "{'a':1}", "{\"a\":1}}", "{\"a\":1} {\"b\":2}", "{\"a\":1,}",
            "{\"a\":tru}", "nonsense", "{\"a\":\"unterminated}"})
    default void malformedJsonIs400(String body) {
        assertEveryWriteRefuses(body);
    }

    @Test
    default void serverManagedFieldsInBodiesAreIgnored() {
        Instant before = now();
        JsonNode rep = ok(createState("{\"Expires\":\"2000-01-01T00:00:00.000Z\",\"Ttl\":5,\"keep\":true}"));
        Instant after = Instant.now();
        assertEquals(json("keep", true), dataOf(rep));
        assertEquals(DEFAULT_TTL, rep.get("Ttl").longValue());
        assertBetween(expires(rep), before.plusSeconds(DEFAULT_TTL), after.plusSeconds(DEFAULT_TTL));
        String token = tokenOf(rep);

        String other = uniqueToken();
        JsonNode put = ok(putState(token, json("xSessionToken", other, "Expires", "2000-01-01T00:00:00.000Z",
                "Ttl", 1, "x", 1)));
        assertEquals(token, tokenOf(put));
        assertEquals(DEFAULT_TTL, put.get("Ttl").longValue());
        assertEquals(json("x", 1), dataOf(put));
        assertUnknownToken(getState(other), other);

        JsonNode removed = ok(patchState(token, "{\"xSessionToken\":null,\"Expires\":null,\"Ttl\":null,\"y\":2}"));
        assertEquals(token, tokenOf(removed));
        assertEquals(DEFAULT_TTL, removed.get("Ttl").longValue());
        assertEquals(obj("{\"x\":1,\"y\":2}"), dataOf(removed));

        Instant beforePatch = now();
        JsonNode set = ok(patchState(token, json("xSessionToken", other, "Ttl", 99_999,
                "Expires", "2999-01-01T00:00:00.000Z")));
        assertEquals(token, tokenOf(set));
        assertEquals(DEFAULT_TTL, set.get("Ttl").longValue());
        // not 2999: now + ttl, or up to the touch resolution (1% of the ttl) short of it when the write before
        // this PATCH was that recent (a loaded machine takes more than the clock tolerance between the two)
        assertBetween(expires(set), beforePatch.plusSeconds(DEFAULT_TTL - DEFAULT_TTL / 100),
                Instant.now().plusSeconds(DEFAULT_TTL));
        assertEquals(obj("{\"x\":1,\"y\":2}"), dataOf(ok(getState(token))));
    }

    // ================================================================== §3 GET, GET /validate, PUT, PATCH, DELETE

    /**
     * GET / slides a session's expiry once it would move by more than the touch resolution (default
     * touchResolutionSec 60: min(60 s, 1% of the ttl)); within it, the stored expiry stays and is what
     * GET / answers. A 5 s ttl has a 50 ms resolution; a 600 s ttl one of 6 s.
     */
    @Test
    default void getReturnsTheSessionAndSlidesItsExpiry() {
        JsonNode created = ok(createState("{\"a\":1}", "x-ttl", "5"));
        String token = tokenOf(created);
        touchResolutionPause();
        Instant before = now();
        JsonNode got = ok(getState(token));
        Instant after = Instant.now();

        assertEquals(json("a", 1), dataOf(got));
        assertEquals(5, got.get("Ttl").longValue());
        assertTrue(expires(got).isAfter(expires(created)), "GET / moves Expires forward");
        assertBetween(expires(got), before.plusSeconds(5), after.plusSeconds(5));
        assertEquals(expires(got), expires(ok(validate(token))), "the new expiry is stored");
    }

    @Test
    default void getWithinTheTouchResolutionKeepsTheStoredExpiry() {
        JsonNode created = ok(createState("{\"a\":1}", "x-ttl", "600"));
        String token = tokenOf(created);
        shortPause();
        JsonNode got = ok(getState(token)); // well within 6 s of the create
        assertEquals(expires(created), expires(got), "GET / within the resolution answers the stored expiry");
        assertEquals(expires(created), expires(ok(validate(token))));
        JsonNode patched = ok(patchState(token, "{\"b\":2}"));
        assertEquals(expires(created), expires(patched), "PATCH within the resolution keeps the expiry");
        assertEquals(json("a", 1, "b", 2), dataOf(patched));
    }

    @Test
    default void validateConfirmsWithoutSliding() {
        JsonNode created = ok(createState("{\"a\":1}", "x-ttl", "600"));
        String token = tokenOf(created);
        shortPause();
        JsonNode valid = ok(validate(token));
        assertEquals(List.of("IsValid", "Expires", "Ttl"), fieldNames(valid));
        assertTrue(valid.get("IsValid").isBoolean() && valid.get("IsValid").booleanValue());
        assertEquals(600, valid.get("Ttl").longValue());
        assertTrue(valid.get("Ttl").isIntegralNumber());
        assertEquals(expires(created), expires(valid), "GET /validate does not extend");
        assertEquals(expires(created), expires(ok(validate(token))));
    }

    @Test
    default void putAndPatchSlideTheExpiry() {
        JsonNode created = ok(createState("{}", "x-ttl", "5")); // resolution 50 ms
        String token = tokenOf(created);
        touchResolutionPause();
        Instant before = now();
        JsonNode put = ok(putState(token, "{\"a\":1}"));
        assertTrue(expires(put).isAfter(expires(created)), "PUT extends");
        assertBetween(expires(put), before.plusSeconds(5), Instant.now().plusSeconds(5));
        touchResolutionPause();
        JsonNode patched = ok(patchState(token, "{\"b\":2}"));
        assertTrue(expires(patched).isAfter(expires(put)), "PATCH extends");
        assertEquals(5, patched.get("Ttl").longValue());
        assertEquals(expires(patched), expires(ok(validate(token))));
    }

    /** Past the touch resolution of a 5 s ttl (50 ms), with room for the clocks' tolerance. */
    private static void touchResolutionPause() {
        sleepUntil(Instant.now().plusMillis(150));
    }

    @Test
    default void putReplacesAllData() {
        String token = tokenOf(ok(createState("{\"a\":1,\"b\":{\"c\":2},\"keep\":\"no\"}")));
        String replacement = "{\"z\":[1,2],\"b\":\"text\"}";
        assertEquals(obj(replacement), dataOf(ok(putState(token, replacement))));
        assertEquals(obj(replacement), dataOf(ok(getState(token))));
        assertEquals(0, dataOf(ok(putState(token, "{}"))).size());
        assertStateError(putState(token, null), 400, "BadRequestError");
    }

    @Test
    default void patchSetsFieldsRemovesNullsAndLeavesTheRest() {
        String token = tokenOf(ok(createState("{\"a\":1,\"b\":\"two\",\"c\":{\"d\":1},\"keep\":\"me\"}")));
        ObjectNode expected = obj("{\"a\":10,\"c\":{\"e\":2},\"keep\":\"me\",\"added\":[]}");
        assertEquals(expected, dataOf(ok(patchState(token, "{\"a\":10,\"b\":null,\"c\":{\"e\":2},\"added\":[]}"))));
        assertEquals(expected, dataOf(ok(getState(token))));
        assertEquals(expected, dataOf(ok(patchState(token, "{}"))));
        assertEquals(expected, dataOf(ok(patchState(token, "{\"absent\":null}"))));
        assertStateError(patchState(token, null), 400, "BadRequestError");
    }

    @Test
    default void deleteEndsTheSessionOnce() {
        String token = newStateToken();
        Reply deleted = deleteState(token);
        assertEquals(200, deleted.status(), deleted::toString);
        assertEquals(obj("{\"Deleted\":true}"), deleted.json());

        assertDeleteFindsNothing(token);

        assertUnknownToken(getState(token), token);
        assertUnknownToken(validate(token), token);
        assertUnknownToken(putState(token, "{\"a\":1}"), token);
        assertUnknownToken(patchState(token, "{\"a\":1}"), token);
        assertUnknownToken(getState(token), token); // the PATCH did not bring it back
    }

    static Stream<String> unknownTokens() {
        return Stream.of("it-unknown-" + UUID.randomUUID(), "short", "it-token-with-'quote'-and-\\backslash\\\"",
                "x".repeat(300));
    }

    @ParameterizedTest
    @MethodSource("unknownTokens")
    default void unknownTokenIs401WithTheExactBody(String token) {
        assertNoOperationFinds(token);
    }

    @Test
    default void missingTokenHeaderIs401SayingSo() {
        for (Reply r : List.of(http().get(""), http().get("validate"), http().put("", "{}"), http().patch("", "{}"))) {
            String message = assertStateError(r, 401, "UnauthorizedError").get("message").asText();
            String lower = message.toLowerCase(Locale.ROOT);
            assertTrue(lower.contains("x-session-token") && lower.contains("missing"), r::toString);
        }
    }

    /** The one real wait of the suite: sessions of ttl 1 s, then every operation once they have expired. */
    @Test
    default void expiredSessionsAreGoneForEveryOperation() {
        String owner = uniqueUser();
        String stateToken = uniqueToken();
        JsonNode state = ok(createState(json("AccountId", owner, "xSessionToken", stateToken), "x-ttl", "1"));
        JsonNode user = newUserSession(json("user_id", owner, "ttl", "1"));
        String userToken = user.get("token").asText();
        assertEquals("true", verifyAnswer(owner, stateToken)); // POST /verify does not extend

        Instant last = max(expires(state), instant(user.get("expired_at")));
        sleepUntil(last.plus(clockTolerance()).plusMillis(150));

        for (String token : List.of(stateToken, userToken)) {
            assertNoOperationFinds(token);
            assertEquals("false", verifyAnswer(owner, token));
        }
        assertUserError(latest(owner), 404);
        assertEquals(0, userSuccess(list(owner)).size());
        assertEquals(0, userSuccess(endAll(owner)).intValue());
        assertEquals(stateToken, tokenOf(ok(createState(json("xSessionToken", stateToken)))),
                "an expired session's token is free again");
        ok(deleteState(stateToken));
    }

    // ================================================================== checks

    /** POST /, and PUT / and PATCH / of a live session, each refuse {@code body} with 400 BadRequestError. */
    private void assertEveryWriteRefuses(String body) {
        String token = newStateToken();
        assertStateError(createState(body), 400, "BadRequestError");
        assertStateError(putState(token, body), 400, "BadRequestError");
        assertStateError(patchState(token, body), 400, "BadRequestError");
    }

    /**
     * No operation finds a session for {@code token}: the exact 401 from GET /, GET /validate, PUT / and PATCH /,
     * and 404 from DELETE /.
     */
    private void assertNoOperationFinds(String token) {
        assertUnknownToken(getState(token), token);
        assertUnknownToken(validate(token), token);
        assertUnknownToken(putState(token, "{\"a\":1}"), token);
        assertUnknownToken(patchState(token, "{\"a\":1}"), token);
        assertDeleteFindsNothing(token);
    }

    /** DELETE / of a token that names no live session: 404 {"Deleted":false}. */
    private void assertDeleteFindsNothing(String token) {
        Reply deleted = deleteState(token);
        assertEquals(404, deleted.status(), deleted::toString);
        assertEquals(obj("{\"Deleted\":false}"), deleted.json());
    }
}
