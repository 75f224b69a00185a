package io.sessionservice.it;

import static io.sessionservice.it.AbstractHttpApiIT.KEY;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionservice.it.Http.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §2, over HTTP: a string with a lone UTF-16 surrogate is a 400 in both dialects, wherever it is in a
 * body (field name or string value, any depth) or the user_id query parameter. Stores disagree on such strings
 * (Redis made "\ud800" and "\udbff" the same user), so none may reach them. Bodies carry them as JSON escapes:
 * they have no UTF-8 form. Run by {@link AbstractHttpApiIT}.
 */
interface LoneSurrogateTests extends HttpApiFixture {

    /** JSON texts (escapes written out) holding a lone surrogate somewhere. */
    String[] HOSTILE_FIELDS = {"\"\\ud800\":1", "\"v\":\"\\udbff\"", "\"v\":\"a\\udc00b\"",
            "\"v\":{\"w\":[1,\"\\udfff\"]}", "\"v\":[{\"\\ud83d\":true}]", "\"v\":\"\\ude00\\ud83d\""};

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    default void stateApiRefusesThemInEveryBody(int which) {
        String body = "{" + HOSTILE_FIELDS[which] + "}";
        assertMentionsSurrogate(assertStateError(createState(body), 400, "BadRequestError"));

        String token = newStateToken();
        ok(patchState(token, json("keep", "me")));
        assertMentionsSurrogate(assertStateError(putState(token, body), 400, "BadRequestError"));
        assertMentionsSurrogate(assertStateError(patchState(token, body), 400, "BadRequestError"));
        assertEquals(json("keep", "me"), dataOf(ok(getState(token))), "the session is unchanged");
    }

    @Test
    default void stateApiRefusesOneAsASuppliedToken() {
        assertStateError(createState("{\"xSessionToken\":\"" + uniqueToken() + "\\ud800\"}"), 400, "BadRequestError");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud800", "\\udbff", "it-user-\\udc00", "\\ude00\\ud83d"})
    default void userApiRefusesThemAsUserIds(String escapedUserId) {
        Reply create = createUser("{\"user_id\":\"" + escapedUserId + "\"}");
        assertUserError(create, 400);
        assertMentionsSurrogate(create.json());
        assertUserError(verify("{\"user_id\":\"" + escapedUserId + "\",\"token\":\"" + uniqueToken() + "\"}"), 400);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    default void userApiRefusesThemAnywhereInItsBodies(int which) {
        String user = uniqueUser();
        assertUserError(createUser("{\"user_id\":\"" + user + "\"," + HOSTILE_FIELDS[which] + "}"), 400);
        assertEquals(0, userSuccess(list(user)).size(), "nothing created");
        assertUserError(verify("{\"user_id\":\"" + user + "\",\"token\":\"" + uniqueToken() + "\","
                + HOSTILE_FIELDS[which] + "}"), 400);
    }

    @Test
    default void wellFormedPairsAreFineEverywhere() {
        String user = uniqueUser() + "-\\ud83d\\ude00";
        JsonNode s = userSuccess(createUser("{\"user_id\":\"" + user + "\"}"));
        assertEquals(user.replace("\\ud83d\\ude00", "😀"), s.get("user_id").asText());
        JsonNode rep = ok(createState("{\"\\ud83d\\ude00\":\"\\ud83d\\ude00\"}"));
        assertEquals(json("😀", "😀"), dataOf(rep));
        assertEquals(json("😀", "😀"), dataOf(ok(getState(tokenOf(rep)))));
    }

    /**
     * A query parameter reaches the service percent-encoded UTF-8, which has no form for a lone surrogate:
     * whatever the encoded bytes of one decode to, the answer is an ordinary 4xx in the user dialect.
     */
    @ParameterizedTest
    @ValueSource(strings = {"%ED%A0%80", "%ED%AF%BF", "a%ED%B0%80", "%ED%A0%80%ED%B0%80", "%F0%9F%98", "%C0%80"})
    default void encodedSurrogateBytesInUserIdAreAnOrdinaryUserError(String raw) {
        for (String path : new String[] {"session", "sessions"}) {
            Reply r = http().get(path + "?user_id=" + raw, "x-key", KEY);
            if (r.status() == 200) {
                assertEquals(0, userSuccess(r).size(), r::toString);
            } else {
                assertUserError(r, r.status());
                assertTrue(r.status() == 400 || r.status() == 404, r::toString);
            }
        }
    }

    private static void assertMentionsSurrogate(JsonNode error) {
        String message = error.get("message").asText();
        assertTrue(message.contains("surrogate"), message);
        assertTrue(message.chars().noneMatch(c -> Character.isSurrogate((char) c)), "the answer holds no lone surrogate itself");
    }
}
