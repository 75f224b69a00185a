package io.sessionservice.it;

import static io.sessionservice.it.AbstractHttpApiIT.KEY;
import static io.sessionservice.it.AbstractHttpApiIT.MAX_BODY;
import static io.sessionservice.it.AbstractHttpApiIT.MAX_SESSION_BYTES;
import static io.sessionservice.it.AbstractHttpApiIT.ROTATED_KEY;
import static io.sessionservice.it.Http.query;
import static io.sessionservice.it.HttpApiSupport.assertNoLeak;
import static io.sessionservice.it.HttpApiSupport.assertStateError;
import static io.sessionservice.it.HttpApiSupport.assertUserError;
import static io.sessionservice.it.HttpApiSupport.dataOf;
import static io.sessionservice.it.HttpApiSupport.json;
import static io.sessionservice.it.HttpApiSupport.obj;
import static io.sessionservice.it.HttpApiSupport.ok;
import static io.sessionservice.it.HttpApiSupport.tokenOf;
import static io.sessionservice.it.HttpApiSupport.uniqueUser;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.it.Http.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §5 over HTTP: the body size and nesting limits, content types, unknown paths and methods, odd input
 * that must never give a 500 or a stack trace, and data that round-trips exactly (big and precise numbers).
 * Run by {@link AbstractHttpApiIT}.
 */
interface InputLimitsTests extends HttpApiFixture {

    // ================================================================== §5 limits and bad input

    /** Both limits at once: a body of exactly maxBodyBytes (whitespace fills it) holding data of exactly maxSessionBytes. */
    @Test
    default void bodyOfExactlyMaxBodyBytesIsAccepted() {
        String data = bodyOfSize(MAX_SESSION_BYTES + 5); // {"pad":"x…"}: name 3 bytes + value text, 5 bytes less
        String body = "{" + " ".repeat(MAX_BODY - data.length()) + data.substring(1);
        assertEquals(MAX_BODY, body.getBytes(UTF_8).length);
        JsonNode rep = ok(createState(body));
        assertEquals(obj(data), dataOf(rep));
    }

    @Test
    default void bodyOverMaxBodyBytesIs413() {
        String token = newStateToken();
        String justOver = bodyOfSize(MAX_BODY + 1);
        String seventyKb = bodyOfSize(70 * 1024);
        for (String body : List.of(justOver, seventyKb)) {
            Object chunked = Http.chunked(body.getBytes(UTF_8)); // no Content-Length: the limit holds while reading
            for (Object sent : List.of(body, chunked)) {
                assertStateError(sendOversized("POST", "", sent, "x-key", KEY), 413, "PayloadTooLargeError");
                assertStateError(sendOversized("PUT", "", sent, "x-session-token", token), 413,
                        "PayloadTooLargeError");
                assertStateError(sendOversized("PATCH", "", sent, "x-session-token", token), 413,
                        "PayloadTooLargeError");
            }
            String userBody = "{\"user_id\":\"" + uniqueUser() + "\"," + body.substring(1);
            assertUserError(sendOversized("POST", "create", userBody, "x-key", KEY), 413);
            assertUserError(sendOversized("POST", "create", Http.chunked(userBody.getBytes(UTF_8)), "x-key", KEY), 413);
            assertUserError(sendOversized("POST", "verify", body, "x-key", KEY), 413);
        }
        assertEquals(0, dataOf(ok(getState(token))).size(), "refused bodies changed nothing");
    }

    /**
     * A plain client (Content-Length, no Expect: 100-continue) that sends too much must get the 413, not a
     * connection reset: the service answers before reading the body, and a container that then closes the
     * connection with the body unread may reset it before the client has read the answer.
     */
    @Test
    default void oversizedBodiesAreAnsweredEveryTime() {
        String body = bodyOfSize(70 * 1024);
        int attempts = 120; // the loss is intermittent (a few per cent of requests on Jetty 12): enough to see it
        List<String> lost = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            try {
                assertStateError(http().sendAlone("POST", "", body, "x-key", KEY), 413, "PayloadTooLargeError");
            } catch (AssertionError e) {
                if (!(e.getCause() instanceof IOException)) {
                    throw e;
                }
                lost.add(e.getCause().toString());
            }
        }
        assertTrue(lost.isEmpty(), () -> lost.size() + " of " + attempts + " oversized POST / got no answer: " + lost);
    }

    /**
     * An oversized request on a connection of its own, sent again when the connection breaks before the
     * answer: this test checks each endpoint's limit, {@link #oversizedBodiesAreAnsweredEveryTime} the transport.
     */
    private Reply sendOversized(String method, String path, Object body, String... headers) {
        for (int attempt = 1; ; attempt++) {
            try {
                return http().sendAlone(method, path, body, headers);
            } catch (AssertionError e) {
                if (!(e.getCause() instanceof IOException) || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    @Test
    default void nestingOf32LevelsIsAccepted() {
        for (String body : List.of(nestedObjects(32), nestedArrays(32))) {
            assertEquals(obj(body), dataOf(ok(createState(body))));
            String token = newStateToken();
            assertEquals(obj(body), dataOf(ok(putState(token, body))));
            assertEquals(obj(body), dataOf(ok(patchState(token, body))));
            assertEquals(obj(body), dataOf(ok(getState(token))));
        }
    }

    @Test
    default void nestingDeeperThan32Is400() {
        String token = newStateToken();
        for (String body : List.of(nestedObjects(33), nestedArrays(33), nestedArrays(20_000))) {
            assertStateError(createState(body), 400, "BadRequestError");
            assertStateError(putState(token, body), 400, "BadRequestError");
            assertStateError(patchState(token, body), 400, "BadRequestError");
        }
        String deepUser = "{\"user_id\":\"" + uniqueUser() + "\",\"x\":" + nestedObjects(32) + "}";
        assertUserError(createUser(deepUser), 400);
        assertEquals(0, dataOf(ok(getState(token))).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "text/plain; charset=utf-8", "application/xml",
            "application/x-www-form-urlencoded", "application/octet-stream"})
    default void nonJsonContentTypeIs415(String type) {
        String token = newStateToken();
        String body = "{\"a\":1}";
        assertStateError(createState(body, "Content-Type", type), 415, "UnsupportedMediaTypeError");
        assertStateError(http().put("", body, "x-session-token", token, "Content-Type", type), 415,
                "UnsupportedMediaTypeError");
        assertStateError(http().patch("", body, "x-session-token", token, "Content-Type", type), 415,
                "UnsupportedMediaTypeError");
        assertUserError(http().post("create", json("user_id", uniqueUser()).toString(), "x-key", KEY,
                "Content-Type", type), 415);
        assertUserError(http().post("verify", json("user_id", "u", "token", token).toString(), "x-key", KEY,
                "Content-Type", type), 415);
        assertEquals(0, dataOf(ok(getState(token))).size());
    }

    /** A Content-Type header that does not even parse is still "a content type other than JSON". */
    @ParameterizedTest
    @ValueSource(strings = {"garbage", "application/", "/json", "application/json;;;=", "text/plain; charset"})
    default void unparseableContentTypeIs415Json(String type) {
        assertStateError(createState("{\"a\":1}", "Content-Type", type), 415, "UnsupportedMediaTypeError");
        assertUserError(http().post("create", json("user_id", uniqueUser()).toString(), "x-key", KEY,
                "Content-Type", type), 415);
    }

    @Test
    default void jsonContentTypeWithParametersIsAccepted() {
        JsonNode rep = ok(createState("{\"a\":1}", "Content-Type", "application/json; charset=utf-8"));
        assertEquals(json("a", 1), dataOf(rep));
    }

    @ParameterizedTest
    @CsvSource({"GET,nope", "POST,nope", "GET,validate/extra", "DELETE,no/such/path", "GET,create/x",
            "PUT,session/x", "GET,health/x"})
    default void unknownPathIs404Json(String method, String path) {
        Reply r = http().send(method, path, method.equals("POST") ? "{}" : null, "x-key", KEY);
        assertStateError(r, 404, "NotFoundError");
    }

    @ParameterizedTest
    @CsvSource({"PUT,validate", "POST,validate", "DELETE,validate", "PATCH,validate", "POST,health", "DELETE,metrics",
            "PUT,openapi.yaml"})
    default void wrongMethodIs405Json(String method, String path) {
        boolean body = List.of("POST", "PUT", "PATCH").contains(method);
        Reply r = http().send(method, path, body ? "{}" : null, "x-key", KEY);
        assertStateError(r, 405, "MethodNotAllowedError");
        assertNotNull(r.header("Allow"), "a 405 names the allowed methods");
    }

    /** Found by the fuzz ITs: errors met before routing (405, 406, a malformed Accept) take the path's dialect. */
    @ParameterizedTest
    @CsvSource({"GET,create", "PUT,create", "DELETE,create", "GET,verify", "DELETE,verify", "POST,session",
            "PUT,session", "DELETE,session", "POST,sessions", "PATCH,sessions", "PUT,sessions/", "GET,create/"})
    default void wrongMethodOnTheUserApiIs405InItsDialect(String method, String path) {
        boolean body = List.of("POST", "PUT", "PATCH").contains(method);
        Reply r = http().send(method, path, body ? "{}" : null, "x-key", KEY);
        assertUserError(r, 405);
        assertNotNull(r.header("Allow"), "a 405 names the allowed methods");
    }

    @ParameterizedTest
    @CsvSource({"create,x", "verify,text/html", "create,application/json;q=x"})
    default void unacceptableOrMalformedAcceptOnTheUserApiIsAnErrorInItsDialect(String path, String accept) {
        Reply r = http().send("POST", path, json("user_id", uniqueUser()), "x-key", KEY, "Accept", accept);
        assertUserError(r, r.status() == 406 ? 406 : 400);
        Reply state = http().send("POST", "", "{}", "x-key", KEY, "Accept", accept);
        assertStateError(state, state.status(), state.status() == 406 ? "NotAcceptableError" : "BadRequestError");
    }

    /** Found by the fuzz ITs: Jetty answered an empty 400 when a form-typed request's query was not UTF-8. */
    @ParameterizedTest
    @CsvSource({"POST,'',state", "GET,validate,state", "GET,sessions,user", "DELETE,sessions,user", "GET,session,user"})
    default void undecodableQueryOfAFormTypedRequestGetsAJsonAnswer(String method, String path, String dialect) {
        Reply r = http().send(method, path + "?user_id=%80&x=%ED%A0%80", null, "x-key", KEY,
                "Content-Type", "application/x-www-form-urlencoded");
        assertNoLeak(r);
        if (dialect.equals("user")) {
            assertTrue(r.status() == 200 || r.status() == 404 || r.status() == 400, r::toString);
            assertEquals(r.status() == 200, r.json().path("success").asBoolean(), r::toString);
        } else if (r.status() != 200) {
            assertStateError(r, r.status(), r.json().path("code").asText());
        }
    }

    /** One odd request: {@code body} as in {@link Http#send}, {@code headers} name, value, …. */
    record Odd(String name, String method, String path, Object body, String... headers) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Odd> oddRequests() {
        String user = "{\"user_id\":\"it-user-odd\",";
        return Stream.of(
                new Odd("number with a huge exponent", "POST", "", "{\"n\":1e999999999999}", "x-key", KEY),
                new Odd("number with a huge negative exponent", "POST", "", "{\"n\":1e-999999999999}", "x-key", KEY),
                new Odd("integer of 5000 digits", "POST", "", "{\"n\":" + "9".repeat(5000) + "}", "x-key", KEY),
                new Odd("decimal of 5000 digits", "POST", "", "{\"n\":0." + "3".repeat(5000) + "}", "x-key", KEY),
                new Odd("invalid UTF-8", "POST", "", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28,
                        '"', '}'}, "x-key", KEY),
                new Odd("NUL byte body", "POST", "", "\u0000", "x-key", KEY),
                new Odd("lone surrogate escape", "POST", "", "{\"a\":\"\\uD800\"}", "x-key", KEY),
                new Odd("reversed surrogate escapes", "POST", "", "{\"a\":\"\\uDC00\\uD800\"}", "x-key", KEY),
                new Odd("byte order mark", "POST", "", "\uFEFF{\"a\":1}", "x-key", KEY),
                new Odd("duplicate keys", "POST", "", "{\"a\":1,\"a\":2}", "x-key", KEY),
                new Odd("empty field name", "POST", "", "{\"\":1}", "x-key", KEY),
                new Odd("unknown charset", "POST", "", "{}", "x-key", KEY, "Content-Type",
                        "application/json; charset=no-such-charset"),
                new Odd("x-ttl of 30 digits", "POST", "", "{}", "x-key", KEY, "x-ttl", "9".repeat(30)),
                new Odd("two x-ttl headers", "POST", "", "{}", "x-key", KEY, "x-ttl", "60", "x-ttl", "120"),
                new Odd("two keys", "POST", "", "{}", "x-key", KEY, "x-key", ROTATED_KEY),
                new Odd("4000-character token", "GET", "", null, "x-session-token", "a".repeat(4000)),
                new Odd("two token headers", "GET", "", null, "x-session-token", "it-token-0123456789abcdef",
                        "x-session-token", "it-token-fedcba9876543210"),
                new Odd("4000-character key", "POST", "", "{}", "x-key", "k".repeat(4000)),
                new Odd("Accept text/html", "GET", "validate", null, "x-session-token", "it-token-0123456789abcdef",
                        "Accept", "text/html"),
                new Odd("Accept application/xml", "POST", "create", user + "\"ttl\":\"1h\"}", "x-key", KEY,
                        "Accept", "application/xml"),
                new Odd("HEAD", "HEAD", "", null, "x-session-token", "it-token-0123456789abcdef"),
                new Odd("OPTIONS", "OPTIONS", "", null),
                new Odd("OPTIONS create", "OPTIONS", "create", null),
                new Odd("custom method", "FROB", "", null),
                new Odd("ttl 999999999999w", "POST", "create", user + "\"ttl\":\"999999999999w\"}", "x-key", KEY),
                new Odd("ttl P9999999999999999D", "POST", "create", user + "\"ttl\":\"P9999999999999999D\"}", "x-key", KEY),
                new Odd("ttl PT-1S", "POST", "create", user + "\"ttl\":\"PT-1S\"}", "x-key", KEY),
                new Odd("ttl 10^30", "POST", "create", user + "\"ttl\":1000000000000000000000000000000}", "x-key", KEY),
                new Odd("created_at Long.MIN_VALUE", "POST", "create", user + "\"created_at\":-9223372036854775808}",
                        "x-key", KEY),
                new Odd("created_at Long.MAX_VALUE", "POST", "create", user + "\"created_at\":9223372036854775807}",
                        "x-key", KEY),
                new Odd("expired_at Long.MAX_VALUE", "POST", "create", user + "\"expired_at\":9223372036854775807}",
                        "x-key", KEY),
                new Odd("created_at year -999999999 with ttl", "POST", "create",
                        user + "\"created_at\":\"-999999999-01-01T00:00:00Z\",\"ttl\":\"30d\"}", "x-key", KEY),
                new Odd("expired_at year +999999999", "POST", "create",
                        user + "\"expired_at\":\"+999999999-12-31T23:59:59.999Z\"}", "x-key", KEY),
                new Odd("created_at as a string of digits", "POST", "create", user + "\"created_at\":\"999999999999999\"}",
                        "x-key", KEY),
                new Odd("user_id of 5000 characters", "GET", "session?user_id=" + "u".repeat(5000), null, "x-key", KEY),
                new Odd("user_id with NUL", "GET", "sessions?" + query("user_id", "a\u0000b"), null, "x-key", KEY),
                new Odd("user_id twice", "GET", "session?user_id=a&user_id=b", null, "x-key", KEY),
                new Odd("verify with huge strings", "POST", "verify",
                        "{\"user_id\":\"" + "u".repeat(30_000) + "\",\"token\":\"" + "t".repeat(30_000) + "\"}",
                        "x-key", KEY));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("oddRequests")
    default void noInputYieldsA500OrAStackTrace(Odd odd) {
        Reply r = http().send(odd.method(), odd.path(), odd.body(), odd.headers());
        assertTrue(r.status() < 500, () -> odd + ": " + r);
        assertNoLeak(r);
        String type = r.header("Content-Type");
        if (r.status() >= 400 && !odd.method().equals("HEAD")) {
            assertTrue(type != null && type.startsWith("application/json"), () -> odd + ": error as JSON: " + r);
            JsonNode error = r.json();
            assertTrue(error.has("code") || error.has("success"), () -> odd + ": " + r);
        }
    }

    // ================================================================== data round trip

    @Test
    default void dataRoundTripsExactly() throws IOException {
        String exact = resource("exact-data.json");
        ObjectNode expected = obj(exact);

        Reply created = createState(exact);
        assertEquals(expected, dataOf(ok(created)));
        assertExactNumbers(created);
        String token = tokenOf(created.json());

        Reply got = getState(token);
        assertEquals(expected, dataOf(ok(got)));
        assertExactNumbers(got);

        Reply put = putState(token, exact);
        assertEquals(expected, dataOf(ok(put)));
        assertExactNumbers(put);

        String added = "12345678901234567890.000000000000000000001";
        Reply patched = patchState(token, "{\"added\":" + added + "}");
        ObjectNode expectedAfterPatch = expected.deepCopy();
        expectedAfterPatch.set("added", Http.parse(added));
        assertEquals(expectedAfterPatch, dataOf(ok(patched)));
        assertExactNumbers(patched);
        assertTrue(patched.body().contains("\"added\":" + added), patched::toString);

        Reply again = getState(token);
        assertEquals(expectedAfterPatch, dataOf(ok(again)));
        assertExactNumbers(again);
    }

    private static void assertExactNumbers(Reply r) {
        for (String number : List.of("\"big\":123456789012345678901234567890", "\"beyond53\":9007199254740993",
                "\"negBig\":-98765432109876543210987654321", "\"longMax\":9223372036854775807",
                "\"pi\":3.14159265358979323846264338327950288", "\"trailingZero\":1.50", "\"tenth\":0.1",
                "{\"three\":3.0}")) {
            assertTrue(r.body().contains(number), () -> "expected the JSON text " + number + " in " + r);
        }
    }

    // ================================================================== §5 request paths and the container's own errors

    /**
     * Paths a container and a JAX-RS router may read differently are 400 before anything else: here with a
     * live token that the same request without the odd path would be answered with.
     */
    @ParameterizedTest
    @ValueSource(strings = {"x/../validate", "./validate", "x/%2e%2e/validate", "x/%2E%2E/validate", "validate;x=1",
            "validate%3B", "validate/.", "/validate", "validate//", "x%2f..%2fvalidate", "validate%5c", "validate\\",
            "validate%00", "validate%0a", "validate%25", "validate%7F", "validate%", "validate%C3"})
    default void requestPathsTheFirewallRefusesAre400BeforeAnythingElse(String raw) {
        String token = newStateToken();
        java.net.URI base = http().base();
        assertEquals(200, RawHttp.get(base, base.getPath() + "validate", "x-session-token", token).status());
        RawHttp.Answer a = RawHttp.get(base, base.getPath() + raw, "x-session-token", token);
        JsonNode body = RawHttp.assertJsonError(a, 400);
        if (body.has("code")) {
            assertEquals("BadRequestError", body.get("code").asText(), a::toString);
            assertTrue(body.get("message").asText().startsWith("The request path contains "), a::toString);
        } else { // refused by the container itself, in its own JSON
            assertEquals(400, body.path("status").asInt(), a::toString);
        }
    }

    @Test
    default void errorsTheContainerAnswersItselfAreJsonWithoutServerVersion() {
        RawHttp.assertContainerErrorsAreJson(http().base());
    }

    // ================================================================== bodies

    /** {"pad":"xxx…"} of exactly {@code bytes} bytes. */
    private static String bodyOfSize(int bytes) {
        String head = "{\"pad\":\"";
        String tail = "\"}";
        return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    }

    /** A body whose deepest value sits {@code depth} containers deep, counting the body object itself. */
    private static String nestedObjects(int depth) {
        return "{\"n\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }

    private static String nestedArrays(int depth) {
        return "{\"a\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = InputLimitsTests.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), UTF_8).strip();
        }
    }
}
