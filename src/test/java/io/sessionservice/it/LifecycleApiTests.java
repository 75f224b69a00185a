package io.sessionservice.it;

import static io.sessionservice.it.AbstractHttpApiIT.MAX_LIFETIME;
import static io.sessionservice.it.AbstractHttpApiIT.ROTATION_GRACE;
import static io.sessionservice.it.HttpApiSupport.assertStateError;
import static io.sessionservice.it.HttpApiSupport.assertUnknownToken;
import static io.sessionservice.it.HttpApiSupport.dataOf;
import static io.sessionservice.it.HttpApiSupport.expires;
import static io.sessionservice.it.HttpApiSupport.json;
import static io.sessionservice.it.HttpApiSupport.now;
import static io.sessionservice.it.HttpApiSupport.ok;
import static io.sessionservice.it.HttpApiSupport.sleepUntil;
import static io.sessionservice.it.HttpApiSupport.tokenOf;
import static io.sessionservice.it.HttpApiSupport.tokensOf;
import static io.sessionservice.it.HttpApiSupport.uniqueUser;
import static io.sessionservice.it.HttpApiSupport.userSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionservice.core.Tokens;
import io.sessionservice.it.Http.Reply;
import io.sessionservice.testing.Concurrently;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13 over HTTP: the lifetime cap of sliding sessions (maxLifetimeSec, x-max-lifetime) and
 * POST /rotate, with the ITs' rotationGraceSec of {@value AbstractHttpApiIT#ROTATION_GRACE} s. Run by
 * {@link AbstractHttpApiIT}.
 */
interface LifecycleApiTests extends HttpApiFixture {

    // ================================================================== the lifetime cap

    @Test
    default void xMaxLifetimeCapsExpiresAndTtlAndNoTouchPassesIt() {
        Instant before = now();
        JsonNode rep = ok(createState("{\"a\":1}", "x-ttl", "600", "x-max-lifetime", "30"));
        Instant after = Instant.now();
        assertEquals(30, rep.get("Ttl").longValue(), "Ttl shows the capped value");
        assertBetween(expires(rep), before.plusSeconds(30), after.plusSeconds(30));

        JsonNode touched = ok(getState(tokenOf(rep)));
        assertEquals(expires(rep), expires(touched), "a touch cannot pass the cap");
        assertTrue(touched.get("Ttl").longValue() <= 30, touched::toString);
        JsonNode patched = ok(patchState(tokenOf(rep), "{\"b\":2}"));
        assertEquals(expires(rep), expires(patched));
        JsonNode valid = ok(validate(tokenOf(rep)));
        assertEquals(expires(rep), expires(valid));
        assertTrue(valid.get("Ttl").longValue() <= 30, valid::toString);
    }

    @Test
    default void theSettingCapsEverySlidingSession() {
        Instant before = now();
        JsonNode rep = ok(createState("{}", "x-ttl", Long.toString(MAX_LIFETIME + 1000)));
        Instant after = Instant.now();
        assertEquals(MAX_LIFETIME, rep.get("Ttl").longValue());
        assertBetween(expires(rep), before.plusSeconds(MAX_LIFETIME), after.plusSeconds(MAX_LIFETIME));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "abc", "1.5", "", "604801"})
    default void aBadOrTooLargeMaxLifetimeIs400(String value) {
        // 604801: one second over the ITs' maxLifetimeSec (MAX_LIFETIME)
        assertStateError(createState("{}", "x-max-lifetime", value), 400, "BadRequestError");
    }

    // ================================================================== POST /rotate

    @Test
    default void rotateAnswersTheSameSessionUnderANewToken() {
        JsonNode created = ok(createState("{\"AccountId\":\"" + uniqueUser() + "\",\"n\":[1,{\"x\":true}]}",
                "x-ttl", "900"));
        String old = tokenOf(created);
        JsonNode rotated = ok(rotate(old));
        String next = tokenOf(rotated);
        assertNotEquals(old, next);
        assertTrue(Tokens.isWellFormed(next) && next.length() >= 43, next);
        assertEquals(dataOf(created), dataOf(rotated));
        assertEquals(created.get("Ttl"), rotated.get("Ttl"));
        assertEquals(expires(created), expires(rotated), "a rotation slides nothing");
        assertEquals(dataOf(created), dataOf(ok(getState(next))));
    }

    @Test
    default void theOldTokenReadsDuringTheGraceOnlyAndThenEnds() {
        String user = uniqueUser();
        String old = tokenOf(ok(createState("{\"AccountId\":\"" + user + "\"}")));
        Instant rotatedAt = now();
        String next = tokenOf(ok(rotate(old)));

        JsonNode inFlight = ok(validate(old));
        assertTrue(expires(inFlight).isBefore(rotatedAt.plusSeconds(ROTATION_GRACE + 1)), inFlight::toString);
        assertEquals(old, tokenOf(ok(getState(old))), "the old token never reveals the new one");
        assertUnknownToken(putState(old, "{\"AccountId\":\"" + user + "\",\"x\":1}"), old);
        assertUnknownToken(rotate(old), old);
        assertEquals(404, deleteState(old).status());
        assertEquals(List.of(next), tokensOf(userSuccess(list(user))), "the user's list follows the new token");

        sleepUntil(expires(inFlight).plusMillis(50));
        assertUnknownToken(validate(old), old);
        assertUnknownToken(getState(old), old);
        assertEquals("false", verifyAnswer(user, old));
        assertEquals("true", verifyAnswer(user, next));
    }

    @Test
    default void aUserApiSessionRotatesAndKeepsItsAbsoluteExpiry() {
        String user = uniqueUser();
        JsonNode made = newUserSession(json("user_id", user, "ttl", "2h"));
        JsonNode rotated = ok(rotate(made.get("token").asText()));
        String next = tokenOf(rotated);
        JsonNode latest = userSuccess(latest(user));
        assertEquals(next, latest.get("token").asText());
        assertEquals(made.get("created_at"), latest.get("created_at"));
        assertEquals(made.get("expired_at"), latest.get("expired_at"));
        assertEquals(made.get("ttl"), latest.get("ttl"));
        assertEquals("true", verifyAnswer(user, next));
    }

    @Test
    default void rotateNeedsALiveToken() {
        assertStateError(http().post("rotate", null), 401, "UnauthorizedError");
        String unknown = "it-unknown-" + Tokens.issue();
        assertUnknownToken(rotate(unknown), unknown);
        String deleted = newStateToken();
        ok(deleteState(deleted));
        assertUnknownToken(rotate(deleted), deleted);
    }

    @Test
    default void concurrentRotationsOfOneTokenAnswerExactlyOneNewToken() throws Exception {
        String user = uniqueUser();
        String old = tokenOf(ok(createState("{\"AccountId\":\"" + user + "\"}")));
        ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> issued = new ConcurrentLinkedQueue<>();
        Concurrently.run(8, i -> {
            Reply r = rotate(old);
            statuses.add(r.status());
            if (r.status() == 200) {
                issued.add(tokenOf(r.json()));
            }
        });
        assertEquals(1, issued.size(), statuses::toString);
        assertEquals(7, statuses.stream().filter(s -> s == 401).count(), statuses::toString);
        assertEquals(List.copyOf(issued), tokensOf(userSuccess(list(user))));
    }

    default Reply rotate(String token) {
        return http().post("rotate", null, "x-session-token", token);
    }

}
