package io.sessionservice.it;

import static io.sessionservice.it.AbstractHttpApiIT.KEY;
import static io.sessionservice.it.Http.query;
import static io.sessionservice.it.HttpApiSupport.assertUserSession;
import static io.sessionservice.it.HttpApiSupport.json;
import static io.sessionservice.it.HttpApiSupport.ok;
import static io.sessionservice.it.HttpApiSupport.tokenOf;
import static io.sessionservice.it.HttpApiSupport.userSuccess;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionservice.it.Http.Reply;
import java.time.Duration;
import java.time.Instant;

/**
 * What the HTTP contract tests ({@link StateApiTests}, {@link UserSessionApiTests}, {@link InputLimitsTests},
 * {@link OperationsTests}) need from the class that deploys the service, {@link AbstractHttpApiIT}: its client
 * and clock tolerance; and the requests and checks that use them. The static checks are in {@link HttpApiSupport}.
 */
interface HttpApiFixture {

    /** The client for the deployed service. */
    Http http();

    /** How far the store's clock may be from this JVM's when checking expiry instants. */
    Duration clockTolerance();

    // ================================================================== requests

    default Reply createState(Object body, String... headers) {
        return http().post("", body, prepend(headers, "x-key", KEY));
    }

    default String newStateToken() {
        return tokenOf(ok(createState("{}")));
    }

    default Reply getState(String token) {
        return http().get("", "x-session-token", token);
    }

    default Reply validate(String token) {
        return http().get("validate", "x-session-token", token);
    }

    default Reply putState(String token, Object body) {
        return http().put("", body, "x-session-token", token);
    }

    default Reply patchState(String token, Object body) {
        return http().patch("", body, "x-session-token", token);
    }

    /** PUT / by a trusted backend: the token and the x-key, which may move the owner. */
    default Reply putStateKeyed(String token, Object body) {
        return http().put("", body, "x-session-token", token, "x-key", KEY);
    }

    /** PATCH / by a trusted backend: the token and the x-key, which may move the owner. */
    default Reply patchStateKeyed(String token, Object body) {
        return http().patch("", body, "x-session-token", token, "x-key", KEY);
    }

    default Reply deleteState(String token) {
        return http().delete("", "x-session-token", token);
    }

    default Reply createUser(Object body) {
        return http().post("create", body, "x-key", KEY);
    }

    /** POST /create that must succeed; the session object. */
    default JsonNode newUserSession(Object body) {
        JsonNode s = userSuccess(createUser(body));
        assertUserSession(s);
        return s;
    }

    default Reply latest(String userId) {
        return http().get("session?" + query("user_id", userId), "x-key", KEY);
    }

    default Reply list(String userId) {
        return http().get("sessions?" + query("user_id", userId), "x-key", KEY);
    }

    /** One page of GET /sessions: {@code limit} and {@code cursor} as sent (null leaves one out). */
    default Reply listPage(String userId, String limit, String cursor) {
        return http().get("sessions?" + query("user_id", userId) + (limit == null ? "" : "&" + query("limit", limit))
                + (cursor == null ? "" : "&" + query("cursor", cursor)), "x-key", KEY);
    }

    default Reply endAll(String userId) {
        return http().delete("sessions?" + query("user_id", userId), "x-key", KEY);
    }

    default Reply verify(Object body) {
        return http().post("verify", body, "x-key", KEY);
    }

    /** POST /verify's answer, which must be the string "true" or "false". */
    default String verifyAnswer(String userId, String token) {
        JsonNode message = userSuccess(verify(json("user_id", userId, "token", token)));
        assertTrue(message.isTextual(), () -> "verify answers a string: " + message);
        return message.textValue();
    }

    private static String[] prepend(String[] headers, String... first) {
        String[] all = new String[first.length + headers.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(headers, 0, all, first.length, headers.length);
        return all;
    }

    /** {@code actual} within [low, high], give or take {@link #clockTolerance()}. */
    default void assertBetween(Instant actual, Instant low, Instant high) {
        Duration tolerance = clockTolerance();
        assertFalse(actual.isBefore(low.minus(tolerance)) || actual.isAfter(high.plus(tolerance)),
                () -> actual + " not within [" + low + ", " + high + "] ± " + tolerance);
    }
}
