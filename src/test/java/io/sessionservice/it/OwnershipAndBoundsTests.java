package io.sessionservice.it;

import static io.sessionservice.it.AbstractHttpApiIT.KEY;
import static io.sessionservice.it.AbstractHttpApiIT.MAX_SESSIONS_PER_USER;
import static io.sessionservice.it.AbstractHttpApiIT.MAX_SESSION_BYTES;
import static io.sessionservice.it.AbstractHttpApiIT.ROTATED_KEY;
import static io.sessionservice.it.HttpApiSupport.ISO;
import static io.sessionservice.it.HttpApiSupport.assertStateError;
import static io.sessionservice.it.HttpApiSupport.assertUnknownToken;
import static io.sessionservice.it.HttpApiSupport.assertUserError;
import static io.sessionservice.it.HttpApiSupport.assertUserSession;
import static io.sessionservice.it.HttpApiSupport.dataOf;
import static io.sessionservice.it.HttpApiSupport.instant;
import static io.sessionservice.it.HttpApiSupport.json;
import static io.sessionservice.it.HttpApiSupport.now;
import static io.sessionservice.it.HttpApiSupport.obj;
import static io.sessionservice.it.HttpApiSupport.ok;
import static io.sessionservice.it.HttpApiSupport.tokenOf;
import static io.sessionservice.it.HttpApiSupport.tokensOf;
import static io.sessionservice.it.HttpApiSupport.uniqueToken;
import static io.sessionservice.it.HttpApiSupport.uniqueUser;
import static io.sessionservice.it.HttpApiSupport.userSuccess;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.it.Http.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §2's ownership and bounds over HTTP (issue 9): only an x-key holder sets or moves a session's owner
 * ({@code AccountId}), a token holder who tries gets 403 and changes nothing; a session's data stays within
 * maxSessionBytes; a user holds at most maxSessionsPerUser sessions; GET /sessions is paged. The suite's
 * config ({@link AbstractHttpApiIT#serviceConfig()}) sets both bounds low. Run by {@link AbstractHttpApiIT}.
 */
interface OwnershipAndBoundsTests extends HttpApiFixture {

    // ================================================================== ownership

    /** The escalation of issue 9: a token holder names another user as the owner of their own session. */
    @Test
    default void tokenHolderCannotMakeTheirSessionAnotherUsers() {
        String owner = uniqueUser();
        String alice = uniqueUser();
        String token = tokenOf(ok(createState(json("AccountId", owner, "Theme", "dark"))));
        ObjectNode before = dataOf(ok(getState(token)));

        for (String escalation : List.of(json("AccountId", alice).toString(),
                json("AccountId", alice, "Theme", "light").toString(), "{\"AccountId\":null}",
                "{\"AccountId\":42}", "{\"AccountId\":[\"" + alice + "\"]}")) {
            JsonNode error = assertStateError(patchState(token, escalation), 403, "ForbiddenError");
            assertFalse(error.get("message").asText().contains(token), "no token in the message");
            assertEquals(before, dataOf(ok(getState(token))), () -> "PATCH " + escalation + " changed the session");
        }
        assertEquals("false", verifyAnswer(alice, token));
        assertUserError(latest(alice), 404);
        assertEquals(0, userSuccess(list(alice)).size());
        assertEquals("true", verifyAnswer(owner, token));
        assertEquals(token, userSuccess(latest(owner)).get("token").asText());

        JsonNode ended = userSuccess(endAll(owner));
        assertEquals(1, ended.intValue(), "logout everywhere still reaches the session");
        assertUnknownToken(getState(token), token);
    }

    @Test
    default void tokenHolderCannotGiveAnOwnerlessSessionAnOwner() {
        String alice = uniqueUser();
        String token = tokenOf(ok(createState(json("Theme", "dark"))));
        assertStateError(patchState(token, json("AccountId", alice)), 403, "ForbiddenError");
        assertStateError(putState(token, json("AccountId", alice)), 403, "ForbiddenError");
        assertEquals(json("Theme", "dark"), dataOf(ok(getState(token))));
        assertUserError(latest(alice), 404);
        assertEquals("false", verifyAnswer(alice, token));
    }

    @Test
    default void tokenOnlyPutKeepsTheOwnerAndMayNotChangeIt() {
        String owner = uniqueUser();
        String token = tokenOf(ok(createState(json("AccountId", owner, "Theme", "dark"))));

        JsonNode kept = dataOf(ok(putState(token, json("Theme", "light", "Lang", "en"))));
        assertEquals(json("Theme", "light", "Lang", "en", "AccountId", owner), kept, "PUT without AccountId keeps it");
        assertEquals(token, userSuccess(latest(owner)).get("token").asText());
        assertEquals(json("AccountId", owner), dataOf(ok(putState(token, json("AccountId", owner)))),
                "naming the same owner is no change");
        ok(patchState(token, json("AccountId", owner, "Lang", "de")));

        ObjectNode before = dataOf(ok(getState(token)));
        for (String body : List.of(json("AccountId", uniqueUser()).toString(), "{\"AccountId\":null}",
                "{\"AccountId\":7,\"Theme\":\"x\"}")) {
            assertStateError(putState(token, body), 403, "ForbiddenError");
            assertEquals(before, dataOf(ok(getState(token))), () -> "PUT " + body + " changed the session");
        }
        assertEquals("true", verifyAnswer(owner, token));
    }

    @Test
    default void aValidKeyMovesOrRemovesTheOwner() {
        String owner = uniqueUser();
        String alice = uniqueUser();
        String bob = uniqueUser();
        String token = tokenOf(ok(createState(json("AccountId", owner))));

        assertEquals(json("AccountId", alice, "Theme", "dark"),
                dataOf(ok(patchStateKeyed(token, json("AccountId", alice, "Theme", "dark")))));
        assertEquals("true", verifyAnswer(alice, token));
        assertEquals("false", verifyAnswer(owner, token));
        assertUserError(latest(owner), 404);
        assertEquals(token, userSuccess(latest(alice)).get("token").asText());

        Reply put = http().put("", json("AccountId", bob), "x-session-token", token, "x-key", ROTATED_KEY);
        assertEquals(json("AccountId", bob), dataOf(ok(put)), "any configured key will do");
        assertEquals("true", verifyAnswer(bob, token));
        assertUserError(latest(alice), 404);

        assertEquals(json(), dataOf(ok(patchStateKeyed(token, "{\"AccountId\":null}"))));
        assertUserError(latest(bob), 404);
        assertEquals("false", verifyAnswer(bob, token));
        ok(getState(token));
    }

    @Test
    default void aWrongKeyOnPutOrPatchIs401AndChangesNothing() {
        String owner = uniqueUser();
        String token = tokenOf(ok(createState(json("AccountId", owner, "Theme", "dark"))));
        ObjectNode before = dataOf(ok(getState(token)));
        for (String key : List.of("wrong-key", KEY + "x", " ")) {
            for (String body : List.of(json("AccountId", uniqueUser()).toString(), json("Theme", "light").toString())) {
                assertStateError(http().patch("", body, "x-session-token", token, "x-key", key), 401,
                        "UnauthorizedError");
                assertStateError(http().put("", body, "x-session-token", token, "x-key", key), 401,
                        "UnauthorizedError");
            }
        }
        assertEquals(before, dataOf(ok(getState(token))));
        assertEquals("true", verifyAnswer(owner, token));
    }

    // ================================================================== maxSessionBytes

    @Test
    default void writesPastMaxSessionBytesAre413AndChangeNothing() {
        String over = padded("pad", MAX_SESSION_BYTES + 1);
        String exactly = padded("pad", MAX_SESSION_BYTES);

        String supplied = uniqueToken();
        Reply created = createState(over.substring(0, over.length() - 1) + ",\"xSessionToken\":\"" + supplied + "\"}");
        assertStateError(created, 413, "PayloadTooLargeError");
        assertUnknownToken(getState(supplied), supplied);

        String owner = uniqueUser();
        String token = tokenOf(ok(createState(json("AccountId", owner, "Theme", "dark"))));
        ObjectNode before = dataOf(ok(getState(token)));
        assertStateError(putState(token, over), 413, "PayloadTooLargeError");
        assertStateError(patchState(token, over), 413, "PayloadTooLargeError");
        assertStateError(putStateKeyed(token, over), 413, "PayloadTooLargeError");
        assertEquals(before, dataOf(ok(getState(token))), "refused writes changed nothing");

        // PUT keeps AccountId, which counts: the exact limit less the owner's bytes fits, one byte more does not.
        int ownerBytes = "AccountId".length() + json("x", owner).get("x").toString().getBytes(UTF_8).length;
        assertStateError(putState(token, padded("pad", MAX_SESSION_BYTES - ownerBytes + 1)), 413,
                "PayloadTooLargeError");
        ok(putState(token, padded("pad", MAX_SESSION_BYTES - ownerBytes)));
        assertEquals(token, userSuccess(latest(owner)).get("token").asText());

        assertEquals(obj(exactly), dataOf(ok(createState(exactly))), "exactly maxSessionBytes is accepted");
    }

    @Test
    default void createPastMaxSessionBytesIs413InTheUserDialect() {
        String token = uniqueToken();
        String longUser = "u".repeat(MAX_SESSION_BYTES); // its data {"AccountId":"uuu…"} is past the limit
        Reply r = createUser(json("user_id", longUser, "token", token));
        assertUserError(r, 413);
        assertUnknownToken(getState(token), token);
        assertEquals("false", verifyAnswer(longUser, token));
    }

    /** Each PATCH is within maxBodyBytes and alone within maxSessionBytes; together they may not pass the limit. */
    @Test
    default void manyPatchesCannotGrowASessionPastTheLimit() {
        String token = newStateToken();
        int fieldBytes = 54 * 1024;
        int refused = 0;
        for (int i = 0; i < 60; i++) {
            Reply r = patchState(token, padded("f" + i, fieldBytes));
            if (r.status() == 413) {
                assertStateError(r, 413, "PayloadTooLargeError");
                refused++;
            } else {
                ok(r);
            }
        }
        assertEquals(59, refused, "only the first 54 KB field fits");
        ObjectNode data = dataOf(ok(getState(token)));
        assertEquals(List.of("f0"), HttpApiSupport.fieldNames(data));
        assertTrue(dataSize(data) <= MAX_SESSION_BYTES, () -> "data of " + dataSize(data) + " bytes");

        ok(patchState(token, padded("f0", fieldBytes - 1))); // replacing a field counts its new size only
        int room = MAX_SESSION_BYTES - (fieldBytes - 1);
        assertStateError(patchState(token, padded("g", room + 1)), 413, "PayloadTooLargeError");
        ok(patchState(token, padded("g", room)));
        assertEquals(MAX_SESSION_BYTES, dataSize(dataOf(ok(getState(token)))), "a PATCH up to the limit is accepted");
    }

    // ================================================================== maxSessionsPerUser

    @Test
    default void oneSessionPastTheCapEndsTheOldest() {
        String user = uniqueUser();
        Instant now = now();
        List<String> tokens = new ArrayList<>(); // oldest first
        for (int i = MAX_SESSIONS_PER_USER; i > 0; i--) {
            tokens.add(newUserSession(json("user_id", user, "ttl", "1h",
                    "created_at", ISO.format(now.minus(Duration.ofMinutes(i))))).get("token").asText());
        }
        assertEquals(MAX_SESSIONS_PER_USER, userSuccess(list(user)).size());

        String newest = tokenOf(ok(createState(json("AccountId", user)))); // the state API counts too
        tokens.add(newest);
        List<String> kept = new ArrayList<>(tokens.subList(1, tokens.size()));
        Collections.reverse(kept);
        assertEquals(kept, tokensOf(userSuccess(list(user))), "the newest " + MAX_SESSIONS_PER_USER + ", newest first");
        String oldest = tokens.get(0);
        assertUnknownToken(validate(oldest), oldest);
        assertEquals("false", verifyAnswer(user, oldest));
        kept.forEach(t -> ok(validate(t)));

        String another = newUserSession(json("user_id", user, "created_at", ISO.format(now.plusSeconds(1))))
                .get("token").asText();
        assertUnknownToken(validate(tokens.get(1)), tokens.get(1));
        assertEquals(another, userSuccess(latest(user)).get("token").asText());
        assertEquals(MAX_SESSIONS_PER_USER, userSuccess(list(user)).size());
    }

    @Test
    default void aCreateBackdatedBehindAFullUserIs409AndEndsNothing() {
        String user = uniqueUser();
        Instant now = now();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < MAX_SESSIONS_PER_USER; i++) {
            tokens.add(newUserSession(json("user_id", user, "ttl", "1h",
                    "created_at", ISO.format(now.minus(Duration.ofMinutes(i))))).get("token").asText());
        }
        // Older than every session the user holds: the cap would end it at once, so it is refused.
        var reply = createUser(json("user_id", user, "ttl", "3h",
                "created_at", ISO.format(now.minus(Duration.ofHours(2)))));
        assertEquals(409, reply.status(), reply.body());
        assertEquals(false, reply.json().get("success").asBoolean());
        assertEquals(MAX_SESSIONS_PER_USER, userSuccess(list(user)).size());
        tokens.forEach(t -> ok(validate(t)));
    }

    // ================================================================== paging of GET /sessions

    @Test
    default void pagesOfSessionsCoverEverySessionOnceNewestFirst() {
        String user = uniqueUser();
        Instant now = now();
        // Ties on created_at (three in one millisecond, two in another) must neither repeat nor drop a session.
        List<Instant> created = List.of(now.minusSeconds(60), now.minusSeconds(60), now.minusSeconds(60),
                now.minusSeconds(120), now.minusSeconds(120), now.minusSeconds(30), now.minusSeconds(180),
                now.minusSeconds(10));
        assertEquals(MAX_SESSIONS_PER_USER, created.size());
        Set<String> all = new HashSet<>();
        for (Instant at : created) {
            all.add(newUserSession(json("user_id", user, "ttl", "1h", "created_at", ISO.format(at)))
                    .get("token").asText());
        }
        JsonNode whole = userSuccess(list(user));
        List<String> newestFirst = tokensOf(whole);
        assertEquals(all, Set.copyOf(newestFirst));
        assertNewestFirst(whole);

        for (int limit : List.of(1, 2, 3, 7, 8, 1000)) {
            List<String> walked = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                Reply r = listPage(user, Integer.toString(limit), cursor);
                JsonNode body = ok(r);
                assertTrue(body.get("success").booleanValue(), r::toString);
                JsonNode page = body.get("message");
                assertNewestFirst(page);
                walked.addAll(tokensOf(page));
                cursor = body.has("cursor") ? body.get("cursor").asText() : null;
                pages++;
                if (cursor != null) {
                    assertEquals(limit, page.size(), "a page before the last is full");
                    String c = cursor;
                    all.forEach(t -> assertFalse(c.contains(t), "a cursor names no token"));
                } else {
                    assertEquals(Set.of("success", "message"), Set.copyOf(HttpApiSupport.fieldNames(body)));
                }
                assertTrue(pages <= created.size() + 1, "the walk ends");
            } while (cursor != null);
            assertEquals(newestFirst, walked, "limit " + limit + ": every session once, in order");
            assertEquals((created.size() + limit - 1) / limit, pages, "limit " + limit);
        }
    }

    @Test
    default void aPageSkipsSessionsEndedSinceTheCursorWasIssued() {
        String user = uniqueUser();
        List<String> tokens = new ArrayList<>();
        Instant now = now();
        for (int i = 1; i <= 4; i++) {
            tokens.add(newUserSession(json("user_id", user, "ttl", "1h",
                    "created_at", ISO.format(now.minusSeconds(i)))).get("token").asText());
        }
        JsonNode first = ok(listPage(user, "2", null));
        assertEquals(tokens.subList(0, 2), tokensOf(first.get("message")));
        ok(deleteState(tokens.get(2)));
        JsonNode second = ok(listPage(user, "2", first.get("cursor").asText()));
        assertEquals(List.of(tokens.get(3)), tokensOf(second.get("message")));
        assertNull(second.get("cursor"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1001", "x", "-1", "1.5", "99999999999", "1e2", " 5"})
    default void aBadLimitIs400(String limit) {
        String user = uniqueUser();
        newUserSession(json("user_id", user));
        assertUserError(listPage(user, limit, null), 400, "limit " + limit);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "djE6YWJjOjA", "djI6MTAwOjA", "djE6MTAwOi0x", "djE6MTAw", "%%%", "not a cursor"})
    default void aBadCursorIs400(String cursor) {
        String user = uniqueUser();
        newUserSession(json("user_id", user));
        assertUserError(listPage(user, null, cursor), 400, "cursor " + cursor);
        assertUserError(listPage(user, null, "A".repeat(5000)), 400, "a long cursor");
    }

    // ================================================================== helpers

    /** {"name":"xxx…"} whose data size (name bytes + value JSON text bytes) is exactly {@code dataBytes}. */
    private static String padded(String name, int dataBytes) {
        int x = dataBytes - name.length() - 2;
        return "{\"" + name + "\":\"" + "x".repeat(x) + "\"}";
    }

    /** The size maxSessionBytes bounds: each field's name bytes plus its value's JSON text bytes. */
    private static long dataSize(ObjectNode data) {
        long total = 0;
        for (Map.Entry<String, JsonNode> f : data.properties()) {
            total += f.getKey().getBytes(UTF_8).length + f.getValue().toString().getBytes(UTF_8).length;
        }
        return total;
    }

    private static void assertNewestFirst(JsonNode sessions) {
        Instant previous = Instant.MAX;
        for (JsonNode s : sessions) {
            Instant at = instant(s.get("created_at"));
            assertFalse(at.isAfter(previous), () -> "newest first: " + sessions);
            previous = at;
        }
    }
}
