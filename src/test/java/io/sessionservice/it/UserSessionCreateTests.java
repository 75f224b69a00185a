package io.sessionservice.it;

import static io.sessionservice.it.AbstractHttpApiIT.DEFAULT_TTL;
import static io.sessionservice.it.AbstractHttpApiIT.MAX_TTL;
import static io.sessionservice.it.HttpApiSupport.ISO;
import static io.sessionservice.it.HttpApiSupport.assertIssuedToken;
import static io.sessionservice.it.HttpApiSupport.assertUserError;
import static io.sessionservice.it.HttpApiSupport.assertUserSession;
import static io.sessionservice.it.HttpApiSupport.dataOf;
import static io.sessionservice.it.HttpApiSupport.expires;
import static io.sessionservice.it.HttpApiSupport.instant;
import static io.sessionservice.it.HttpApiSupport.json;
import static io.sessionservice.it.HttpApiSupport.now;
import static io.sessionservice.it.HttpApiSupport.ok;
import static io.sessionservice.it.HttpApiSupport.shortPause;
import static io.sessionservice.it.HttpApiSupport.uniqueToken;
import static io.sessionservice.it.HttpApiSupport.uniqueUser;
import static io.sessionservice.it.HttpApiSupport.userSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionservice.it.Http.Reply;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC §4, POST /create over HTTP: the session it answers, supplied tokens, the ttl, created_at and expired_at
 * forms, the input it refuses, and the absolute expiry the state API keeps. Run by {@link AbstractHttpApiIT};
 * the rest of the user-session API is in {@link UserSessionApiTests}.
 */
interface UserSessionCreateTests extends HttpApiFixture {

    // ================================================================== §4 POST /create

    @Test
    default void createIssuesATokenWithTheDefaultTtl() {
        String user = uniqueUser();
        Instant before = now();
        JsonNode s = userSuccess(createUser(json("user_id", user)));
        Instant after = Instant.now();

        assertUserSession(s);
        assertEquals(user, s.get("user_id").asText());
        assertIssuedToken(s.get("token").asText());
        assertEquals(DEFAULT_TTL, s.get("ttl").longValue());
        Instant created = instant(s.get("created_at"));
        assertBetween(created, before, after);
        assertEquals(created.plusSeconds(DEFAULT_TTL), instant(s.get("expired_at")));
    }

    @Test
    default void createHonoursASuppliedTokenAndTheStateApiSeesTheOwner() {
        String user = uniqueUser();
        String token = uniqueToken();
        JsonNode s = newUserSession(json("user_id", user, "token", token));
        assertEquals(token, s.get("token").asText());
        assertEquals(user, s.get("user_id").asText());

        JsonNode rep = ok(getState(token));
        assertEquals(json("AccountId", user), dataOf(rep));
        assertEquals(instant(s.get("expired_at")), expires(rep));
        assertEquals(s.get("ttl").longValue(), rep.get("Ttl").longValue());
    }

    static Stream<Arguments> ttlForms() {
        return Stream.of(arguments("\"3600\"", 3600L), arguments("\"30m\"", 1800L), arguments("\"24h\"", 86_400L),
                arguments("\"7d\"", 604_800L), arguments("\"PT1H\"", 3600L), arguments("\"PT90M\"", 5400L),
                arguments("\"1\"", 1L), arguments("3600", 3600L), arguments("120", 120L), arguments("\"30d\"", MAX_TTL),
                arguments("\"2592000\"", MAX_TTL));
    }

    @ParameterizedTest
    @MethodSource("ttlForms")
    default void ttlAcceptsSecondsDurationsAndNumbers(String ttlJson, long seconds) {
        JsonNode s = newUserSession("{\"user_id\":\"" + uniqueUser() + "\",\"ttl\":" + ttlJson + "}");
        assertEquals(seconds, s.get("ttl").longValue());
        assertEquals(instant(s.get("created_at")).plusSeconds(seconds), instant(s.get("expired_at")));
    }

    @Test
    default void createdAtAndExpiredAtAcceptIsoStringsAndEpochMillis() {
        String user = uniqueUser();
        Instant created = now().minusSeconds(600);
        String createdIso = ISO.format(created);

        for (Object createdAt : List.of(createdIso, created.toEpochMilli(),
                DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx").format(created.atOffset(ZoneOffset.ofHours(2))))) {
            JsonNode s = newUserSession(json("user_id", user, "created_at", createdAt, "ttl", "3600"));
            assertEquals(createdIso, s.get("created_at").asText(), "created_at " + createdAt);
            assertEquals(ISO.format(created.plusSeconds(3600)), s.get("expired_at").asText());
            assertEquals(3600, s.get("ttl").longValue());
        }
        JsonNode defaultTtl = newUserSession(json("user_id", user, "created_at", createdIso));
        assertEquals(ISO.format(created.plusSeconds(DEFAULT_TTL)), defaultTtl.get("expired_at").asText(),
                "created_at + sessionExpirySec when no ttl");

        Instant expires = now().plusSeconds(7200);
        for (Object expiredAt : List.of(ISO.format(expires), expires.toEpochMilli())) {
            Instant before = now();
            JsonNode s = newUserSession(json("user_id", user, "expired_at", expiredAt));
            assertEquals(ISO.format(expires), s.get("expired_at").asText(), "expired_at " + expiredAt);
            assertBetween(instant(s.get("created_at")), before, Instant.now());
            long ttl = s.get("ttl").longValue();
            assertTrue(ttl > 7100 && ttl <= 7200, "ttl " + ttl);
        }
        JsonNode wins = newUserSession(json("user_id", user, "expired_at", ISO.format(expires), "ttl", "60"));
        assertEquals(ISO.format(expires), wins.get("expired_at").asText(), "expired_at wins over ttl");

        JsonNode both = newUserSession(json("user_id", user, "created_at", createdIso,
                "expired_at", ISO.format(created.plusSeconds(1200))));
        assertEquals(createdIso, both.get("created_at").asText());
        assertEquals(ISO.format(created.plusSeconds(1200)), both.get("expired_at").asText());
        assertEquals(1200, both.get("ttl").longValue());
    }

    static Stream<Arguments> invalidCreateBodies() {
        Instant now = Instant.now();
        String u = "\"it-user-invalid-input\"";
        return Stream.of(
                arguments("no body", null),
                arguments("array body", "[]"),
                arguments("string body", "\"it-user\""),
                arguments("null body", "null"),
                arguments("malformed JSON", "{\"user_id\":"),
                arguments("missing user_id", "{}"),
                arguments("null user_id", "{\"user_id\":null}"),
                arguments("empty user_id", "{\"user_id\":\"\"}"),
                arguments("numeric user_id", "{\"user_id\":123}"),
                arguments("boolean user_id", "{\"user_id\":true}"),
                arguments("object user_id", "{\"user_id\":{\"id\":\"u\"}}"),
                arguments("array user_id", "{\"user_id\":[\"u\"]}"),
                arguments("numeric token", "{\"user_id\":" + u + ",\"token\":12345678901234567890}"),
                arguments("object token", "{\"user_id\":" + u + ",\"token\":{}}"),
                arguments("short token", "{\"user_id\":" + u + ",\"token\":\"short\"}"),
                arguments("token with bad characters", "{\"user_id\":" + u + ",\"token\":\"not a valid token!!\"}"),
                arguments("ttl abc", "{\"user_id\":" + u + ",\"ttl\":\"abc\"}"),
                arguments("ttl 10x", "{\"user_id\":" + u + ",\"ttl\":\"10x\"}"),
                arguments("ttl empty", "{\"user_id\":" + u + ",\"ttl\":\"\"}"),
                arguments("ttl -5", "{\"user_id\":" + u + ",\"ttl\":\"-5\"}"),
                arguments("ttl 0", "{\"user_id\":" + u + ",\"ttl\":\"0\"}"),
                arguments("ttl PT0S", "{\"user_id\":" + u + ",\"ttl\":\"PT0S\"}"),
                arguments("ttl PT0.5S", "{\"user_id\":" + u + ",\"ttl\":\"PT0.5S\"}"),
                arguments("ttl over max", "{\"user_id\":" + u + ",\"ttl\":\"2592001\"}"),
                arguments("ttl 31d", "{\"user_id\":" + u + ",\"ttl\":\"31d\"}"),
                arguments("ttl P31D", "{\"user_id\":" + u + ",\"ttl\":\"P31D\"}"),
                arguments("ttl number 0", "{\"user_id\":" + u + ",\"ttl\":0}"),
                arguments("ttl number -1", "{\"user_id\":" + u + ",\"ttl\":-1}"),
                arguments("ttl number over max", "{\"user_id\":" + u + ",\"ttl\":2592001}"),
                arguments("ttl number 1.5", "{\"user_id\":" + u + ",\"ttl\":1.5}"),
                arguments("ttl boolean", "{\"user_id\":" + u + ",\"ttl\":true}"),
                arguments("ttl object", "{\"user_id\":" + u + ",\"ttl\":{}}"),
                arguments("created_at words", "{\"user_id\":" + u + ",\"created_at\":\"yesterday\"}"),
                arguments("created_at month 13", "{\"user_id\":" + u + ",\"created_at\":\"2015-13-45T00:00:00.000Z\"}"),
                arguments("created_at without zone", "{\"user_id\":" + u + ",\"created_at\":\"2015-05-18 17:15:51\"}"),
                arguments("created_at boolean", "{\"user_id\":" + u + ",\"created_at\":true}"),
                arguments("created_at decimal", "{\"user_id\":" + u + ",\"created_at\":1.5}"),
                arguments("created_at long ago, expiry passed", "{\"user_id\":" + u + ",\"created_at\":\""
                        + ISO.format(now.minus(Duration.ofHours(2))) + "\",\"ttl\":\"1h\"}"),
                arguments("expired_at words", "{\"user_id\":" + u + ",\"expired_at\":\"soon\"}"),
                arguments("expired_at boolean", "{\"user_id\":" + u + ",\"expired_at\":false}"),
                arguments("expired_at past ISO", "{\"user_id\":" + u + ",\"expired_at\":\"2001-01-01T00:00:00.000Z\"}"),
                arguments("expired_at past epoch", "{\"user_id\":" + u + ",\"expired_at\":1000}"),
                arguments("expired_at a second ago", "{\"user_id\":" + u + ",\"expired_at\":\""
                        + ISO.format(now.minusSeconds(1)) + "\"}"),
                arguments("expired_at beyond maxTtlSec", "{\"user_id\":" + u + ",\"expired_at\":\""
                        + ISO.format(now.plus(Duration.ofDays(31))) + "\"}"),
                arguments("expired_at epoch beyond maxTtlSec", "{\"user_id\":" + u + ",\"expired_at\":"
                        + now.plus(Duration.ofDays(31)).toEpochMilli() + "}"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidCreateBodies")
    default void createRejectsInvalidInputWith400(String why, String body) {
        assertUserError(createUser(body), 400);
    }

    static Stream<Arguments> extremeTimestamps() {
        Instant now = Instant.now();
        String inAnHour = "\"" + ISO.format(now.plusSeconds(3600)) + "\"";
        return Stream.of(
                arguments("created_at", "{\"created_at\":" + Long.MIN_VALUE + ",\"expired_at\":" + inAnHour + "}"),
                arguments("created_at", "{\"created_at\":" + Long.MIN_VALUE + ",\"ttl\":\"1h\"}"),
                arguments("created_at", "{\"created_at\":" + Long.MAX_VALUE + ",\"ttl\":\"1h\"}"),
                arguments("created_at", "{\"created_at\":\"-999999999-01-01T00:00:00Z\",\"expired_at\":" + inAnHour + "}"),
                arguments("created_at", "{\"created_at\":\"+999999999-12-31T23:59:59.999Z\"}"),
                arguments("created_at", "{\"created_at\":\"" + ISO.format(now.minusSeconds(MAX_TTL + 60))
                        + "\",\"expired_at\":" + inAnHour + "}"),
                arguments("created_at", "{\"created_at\":\"" + ISO.format(now.plusSeconds(600)) + "\"}"),
                arguments("expired_at", "{\"expired_at\":" + Long.MAX_VALUE + "}"),
                arguments("expired_at", "{\"expired_at\":" + Long.MIN_VALUE + "}"),
                arguments("expired_at", "{\"expired_at\":\"+999999999-12-31T23:59:59.999Z\"}"),
                arguments("expired_at", "{\"created_at\":\"" + ISO.format(now.plusSeconds(50))
                        + "\",\"expired_at\":\"" + ISO.format(now.plusSeconds(20)) + "\"}"));
    }

    /** Issue 9: a created_at of Long.MIN_VALUE once overflowed Duration.toMillis into a 500. */
    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("extremeTimestamps")
    default void extremeTimestampsAre400NamingTheField(String field, String fields) {
        String user = uniqueUser();
        Reply r = createUser("{\"user_id\":\"" + user + "\"," + fields.substring(1));
        assertUserError(r, 400);
        String message = r.json().get("message").asText();
        assertTrue(message.startsWith(field + " "), () -> "names " + field + ": " + r);
        assertEquals(0, userSuccess(list(user)).size(), "nothing stored");
    }

    @Test
    default void createWithALiveTokenIs409() {
        String owner = uniqueUser();
        String token = uniqueToken();
        newUserSession(json("user_id", owner, "token", token));

        String other = uniqueUser();
        assertUserError(createUser(json("user_id", other, "token", token)), 409);
        assertEquals("true", verifyAnswer(owner, token), "the live session is untouched");
        assertEquals("false", verifyAnswer(other, token));

        String stateToken = newStateToken();
        assertUserError(createUser(json("user_id", owner, "token", stateToken)), 409);
    }

    @Test
    default void userSessionExpiryIsAbsoluteEvenThroughTheStateApi() {
        String user = uniqueUser();
        JsonNode s = newUserSession(json("user_id", user, "ttl", "600"));
        String token = s.get("token").asText();
        Instant expiry = instant(s.get("expired_at"));

        shortPause();
        JsonNode got = ok(getState(token));
        assertEquals(expiry, expires(got), "GET / does not slide an absolute expiry");
        assertEquals(600, got.get("Ttl").longValue());
        assertEquals(json("AccountId", user), dataOf(got));
        shortPause();
        assertEquals(expiry, expires(ok(patchState(token, json("x", 1)))), "PATCH does not slide it");
        assertEquals(expiry, expires(ok(putState(token, json("AccountId", user, "y", 2)))), "PUT does not slide it");
        assertEquals(expiry, expires(ok(validate(token))));
        assertEquals(ISO.format(expiry), userSuccess(latest(user)).get("expired_at").asText());
    }
}
