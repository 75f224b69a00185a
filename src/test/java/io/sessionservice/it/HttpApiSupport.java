package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.it.Http.Reply;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** The static checks and helpers of the HTTP contract tests: what an answer must look like, JSON, time, ids. */
final class HttpApiSupport {

    /** How the API writes an instant: ISO-8601 UTC with exactly three millisecond digits. */
    static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** The server-managed fields that end every state representation, in this order. */
    static final List<String> SERVER_FIELDS = List.of("xSessionToken", "Expires", "Ttl");

    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    private static final Pattern ISSUED_TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Set<String> USER_SESSION_FIELDS = Set.of("user_id", "token", "ttl", "created_at", "expired_at");

    private HttpApiSupport() {
    }

    // ================================================================== ids

    static String uniqueUser() {
        return "it-user-" + UUID.randomUUID();
    }

    static String uniqueToken() {
        return "it-token-" + UUID.randomUUID();
    }

    // ================================================================== assertions

    /** A 200 with a JSON body; the body. */
    static JsonNode ok(Reply r) {
        assertEquals(200, r.status(), r::toString);
        assertJsonType(r);
        return r.json();
    }

    /** A user-API success: 200 {"success":true,"message":…}; the message. */
    static JsonNode userSuccess(Reply r) {
        JsonNode body = ok(r);
        assertEquals(Set.of("success", "message"), fieldSet(body), r::toString);
        assertTrue(body.get("success").isBoolean() && body.get("success").booleanValue(), r::toString);
        return body.get("message");
    }

    /** A state-API error: exactly {"code":code,"message":"…"}, as JSON, nothing leaked; the body. */
    static JsonNode assertStateError(Reply r, int status, String code) {
        assertEquals(status, r.status(), r::toString);
        assertJsonType(r);
        assertNoLeak(r);
        JsonNode body = r.json();
        assertEquals(Set.of("code", "message"), fieldSet(body), r::toString);
        assertEquals(code, body.get("code").asText(), r::toString);
        assertTrue(body.get("message").isTextual() && !body.get("message").asText().isBlank(), r::toString);
        return body;
    }

    /** A user-API error: exactly {"success":false,"message":"…"}, as JSON, nothing leaked. */
    static void assertUserError(Reply r, int status, String... why) {
        assertEquals(status, r.status(), () -> String.join(" ", why) + " " + r);
        assertJsonType(r);
        assertNoLeak(r);
        JsonNode body = r.json();
        assertEquals(Set.of("success", "message"), fieldSet(body), r::toString);
        assertTrue(body.get("success").isBoolean() && !body.get("success").booleanValue(), r::toString);
        assertTrue(body.get("message").isTextual() && !body.get("message").asText().isBlank(), r::toString);
    }

    /** SPEC §3: the exact 401 for a token that names no live session. */
    static void assertUnknownToken(Reply r, String token) {
        assertStateError(r, 401, "UnauthorizedError");
        ObjectNode expected = json("code", "UnauthorizedError",
                "message", "Session with token:'" + token + "' was not found");
        assertEquals(expected, r.json(), r::toString);
    }

    static void assertNoLeak(Reply r) {
        String body = r.body();
        for (String sign : List.of("Exception", "\tat ", "at io.", "at org.", "at java.", "<html", "<!doctype")) {
            assertFalse(body.toLowerCase(Locale.ROOT).contains(sign.toLowerCase(Locale.ROOT)),
                    () -> "response shows '" + sign + "': " + r);
        }
    }

    private static void assertJsonType(Reply r) {
        String type = r.header("Content-Type");
        assertTrue(type != null && type.startsWith("application/json"), () -> "Content-Type " + type + ": " + r);
    }

    static void assertIssuedToken(String token) {
        assertTrue(ISSUED_TOKEN.matcher(token).matches(), "256-bit URL-safe base64 without padding: " + token);
    }

    static void assertUserSession(JsonNode s) {
        assertEquals(USER_SESSION_FIELDS, fieldSet(s), s::toString);
        assertTrue(s.get("user_id").isTextual() && s.get("token").isTextual(), s::toString);
        assertTrue(s.get("ttl").isIntegralNumber(), s::toString);
        instant(s.get("created_at"));
        instant(s.get("expired_at"));
    }


    // ================================================================== JSON and time helpers

    /** The data part of a state representation, after checking that it ends in xSessionToken, Expires, Ttl. */
    /** The tokens of a user-API list of sessions (GET /sessions), each checked to be a user session. */
    static List<String> tokensOf(JsonNode sessions) {
        assertTrue(sessions.isArray(), sessions::toString);
        List<String> tokens = new java.util.ArrayList<>();
        sessions.forEach(s -> {
            assertUserSession(s);
            tokens.add(s.get("token").asText());
        });
        return tokens;
    }

    static ObjectNode dataOf(JsonNode representation) {
        List<String> names = fieldNames(representation);
        assertTrue(names.size() >= 3 && names.subList(names.size() - 3, names.size()).equals(SERVER_FIELDS),
                () -> "data fields, then xSessionToken, Expires, Ttl: " + names);
        instant(representation.get("Expires"));
        assertTrue(representation.get("Ttl").isIntegralNumber(), representation::toString);
        assertTrue(representation.get("xSessionToken").isTextual(), representation::toString);
        ObjectNode data = representation.deepCopy();
        data.remove(SERVER_FIELDS);
        return data;
    }

    static String tokenOf(JsonNode representation) {
        return representation.get("xSessionToken").asText();
    }

    static Instant expires(JsonNode representation) {
        return instant(representation.get("Expires"));
    }

    /** An API timestamp: ISO-8601 UTC with exactly three millisecond digits. */
    static Instant instant(JsonNode node) {
        assertNotNull(node, "timestamp missing");
        assertTrue(node.isTextual() && TIMESTAMP.matcher(node.textValue()).matches(),
                () -> "ISO-8601 UTC with milliseconds: " + node);
        return Instant.parse(node.textValue());
    }

    static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> fieldSet(JsonNode object) {
        return new LinkedHashSet<>(fieldNames(object));
    }

    /** An object from name, value pairs; values are written as JSON (null as JSON null). */
    static ObjectNode json(Object... pairs) {
        ObjectNode o = Http.JSON.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            Object v = pairs[i + 1];
            o.set((String) pairs[i], v == null ? NullNode.instance : v instanceof JsonNode n ? n : Http.JSON.valueToTree(v));
        }
        return o;
    }

    static ObjectNode obj(String json) {
        JsonNode node = Http.parse(json);
        assertTrue(node.isObject(), json);
        return (ObjectNode) node;
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** Lets the clock move on a little, so that an expiry that slides lands on a later millisecond. */
    static void shortPause() {
        sleep(25);
    }

    static void sleepUntil(Instant instant) {
        sleep(Math.max(0, Duration.between(Instant.now(), instant).toMillis()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }
}
