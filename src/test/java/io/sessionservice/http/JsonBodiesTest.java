package io.sessionservice.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Json;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC §5 body rules, without a container: 413, 415, 400, nesting, exact numbers. */
class JsonBodiesTest {

    private static final int LIMIT = 100;
    private final JsonBodies bodies = new JsonBodies(LIMIT);

    /** Just enough of {@link HttpHeaders} for JsonBodies: Content-Type and Content-Length. */
    static final class Headers implements HttpHeaders {
        private final MultivaluedMap<String, String> map = new MultivaluedHashMap<>();

        static Headers json() {
            return new Headers().with(CONTENT_TYPE, "application/json");
        }

        static Headers none() {
            return new Headers();
        }

        Headers with(String name, String value) {
            map.add(name.toLowerCase(Locale.ROOT), value);
            return this;
        }

        @Override
        public List<String> getRequestHeader(String name) {
            return map.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String getHeaderString(String name) {
            List<String> values = getRequestHeader(name);
            return values == null ? null : String.join(",", values);
        }

        @Override
        public MultivaluedMap<String, String> getRequestHeaders() {
            return map;
        }

        @Override
        public List<MediaType> getAcceptableMediaTypes() {
            return List.of(MediaType.WILDCARD_TYPE);
        }

        @Override
        public List<Locale> getAcceptableLanguages() {
            return List.of();
        }

        /** Parsed as Jersey does, so a malformed header throws as it would in the container. */
        @Override
        public MediaType getMediaType() {
            String value = getHeaderString(CONTENT_TYPE);
            return value == null ? null : MediaType.valueOf(value);
        }

        @Override
        public Locale getLanguage() {
            return null;
        }

        @Override
        public Map<String, Cookie> getCookies() {
            return Map.of();
        }

        @Override
        public Date getDate() {
            return null;
        }

        @Override
        public int getLength() {
            String value = getHeaderString(CONTENT_LENGTH);
            return value == null ? -1 : Integer.parseInt(value);
        }
    }

    private static InputStream body(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertStatus(int status, Executable call) {
        ApiException e = assertThrows(ApiException.class, call);
        assertEquals(status, e.status(), e.getMessage());
    }

    /** A JSON object of exactly {@code size} bytes. */
    private static String objectOfSize(int size) {
        String start = "{\"a\":\"";
        String end = "\"}";
        return start + "x".repeat(size - start.length() - end.length()) + end;
    }

    private static String nested(int depth) {
        return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }

    // ---- 413 ----

    @Test
    void declaredContentLengthOverTheLimitIs413EvenBeforeReading() {
        assertStatus(413, () -> bodies.optionalObject(Headers.json().with(HttpHeaders.CONTENT_LENGTH, "101"), body("{}")));
        assertStatus(413, () -> bodies.requiredObject(
                Headers.json().with(HttpHeaders.CONTENT_LENGTH, "999999999999999999"), body("{}")));
    }

    @Test
    void actualSizeOverTheLimitIs413() {
        assertStatus(413, () -> bodies.optionalObject(Headers.json(), body(objectOfSize(LIMIT + 1))));
        assertStatus(413, () -> bodies.optionalObject(Headers.json(), body(objectOfSize(10 * LIMIT))));
    }

    @Test
    void understatedContentLengthDoesNotHelp() {
        assertStatus(413, () -> bodies.optionalObject(
                Headers.json().with(HttpHeaders.CONTENT_LENGTH, "10"), body(objectOfSize(LIMIT + 1))));
    }

    @Test
    void oversizedBodyIs413WhateverItsContent() {
        assertStatus(413, () -> bodies.optionalObject(Headers.none().with(HttpHeaders.CONTENT_TYPE, "text/plain"),
                body("x".repeat(LIMIT + 1))));
    }

    @Test
    void exactlyTheLimitIsAccepted() {
        String text = objectOfSize(LIMIT);
        assertEquals(LIMIT, text.getBytes(StandardCharsets.UTF_8).length);
        ObjectNode o = bodies.requiredObject(Headers.json().with(HttpHeaders.CONTENT_LENGTH, Integer.toString(LIMIT)),
                body(text));
        assertEquals(LIMIT - 8, o.get("a").asText().length());
    }

    @Test
    void theLimitCountsBytesNotCharacters() {
        // 50 two-byte characters: 100 characters of JSON text would fit, their 100+ bytes do not.
        String text = "{\"a\":\"" + "é".repeat(50) + "\"}";
        assertTrue(text.length() < LIMIT);
        assertStatus(413, () -> bodies.optionalObject(Headers.json(), body(text)));
    }

    // ---- 415 ----

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/xml", "application/x-www-form-urlencoded", "text/json",
            "multipart/form-data; boundary=x", "application/jsonp", "application/octet-stream"})
    void nonJsonContentTypeIs415(String type) {
        assertStatus(415, () -> bodies.optionalObject(Headers.none().with(HttpHeaders.CONTENT_TYPE, type), body("{}")));
        assertStatus(415, () -> bodies.requiredObject(Headers.none().with(HttpHeaders.CONTENT_TYPE, type), body("{}")));
    }

    @Test
    void malformedContentTypeIs415() {
        assertStatus(415, () -> bodies.optionalObject(Headers.none().with(HttpHeaders.CONTENT_TYPE, "not a type"),
                body("{}")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
            "application/vnd.api+json", "application/merge-patch+json", "application/problem+json"})
    void jsonContentTypesAreAccepted(String type) {
        assertEquals(Json.MAPPER.createObjectNode().put("a", 1),
                bodies.requiredObject(Headers.none().with(HttpHeaders.CONTENT_TYPE, type), body("{\"a\":1}")));
    }

    @Test
    void missingContentTypeIsTakenAsJson() {
        assertEquals(1, bodies.requiredObject(Headers.none(), body("{\"a\":1}")).get("a").asInt());
    }

    @Test
    void anEmptyBodyNeedsNoContentType() {
        assertNull(bodies.optionalObject(Headers.none().with(HttpHeaders.CONTENT_TYPE, "text/plain"), body("")));
    }

    // ---- 400 ----

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[1,2]", "\"text\"", "42", "1.5", "true", "null"})
    void jsonThatIsNotAnObjectIs400(String text) {
        assertStatus(400, () -> bodies.optionalObject(Headers.json(), body(text)));
        assertStatus(400, () -> bodies.requiredObject(Headers.json(), body(text)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "}", "{\"a\":}", "{\"a\" 1}", "{a:1}", "{'a':1}", "{\"a\":1,}", "{} {}", "{} x",
            "not json", "{\"a\":NaN}", "{\"a\":01}", "{\"a\":\"unterminated}", "{\"a\":1,\"a\":2}", "\u00ef\u00bb\u00bf{"})
    void invalidJsonIs400(String text) {
        assertStatus(400, () -> bodies.optionalObject(Headers.json(), body(text)));
    }

    /** Found by the fuzz ITs: "{} {}" answered Jackson's text, naming com.fasterxml.jackson.databind.JsonNode. */
    @ParameterizedTest
    @ValueSource(strings = {"{} {}", "{} x", "{}{}", "{} []", "{} 1", "{} \"s\"", "{\"a\":1} {", "{", "{\"a\":}", "[", "x"})
    void invalidJsonMessagesNameNoJavaType(String text) {
        ApiException e = assertThrows(ApiException.class, () -> bodies.optionalObject(Headers.json(), body(text)));
        assertEquals(400, e.status());
        assertTrue(!e.getMessage().contains("com.fasterxml") && !e.getMessage().contains("`")
                && !e.getMessage().contains("Feature"), e.getMessage());
    }

    @Test
    void invalidUtf8Is400() {
        byte[] bytes = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertStatus(400, () -> bodies.optionalObject(Headers.json(), new ByteArrayInputStream(bytes)));
    }

    @Test
    void unreadableStreamIs400() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };
        assertStatus(400, () -> bodies.optionalObject(Headers.json(), broken));
    }

    @Test
    void nestingOf32IsAccepted() {
        JsonBodies big = new JsonBodies(65_536);
        ObjectNode o = big.requiredObject(Headers.json(), body(nested(32)));
        int depth = 1;
        for (JsonNode n = o; n.has("a"); n = n.get("a")) {
            depth++;
        }
        assertEquals(32, depth);
    }

    @Test
    void nestingOf33Is400() {
        JsonBodies big = new JsonBodies(65_536);
        ApiException e = assertThrows(ApiException.class, () -> big.requiredObject(Headers.json(), body(nested(33))));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("32"), e.getMessage());
    }

    @Test
    void nestingCountsArraysToo() {
        JsonBodies big = new JsonBodies(65_536);
        String ok = "{\"a\":" + "[".repeat(31) + "]".repeat(31) + "}";
        String deep = "{\"a\":" + "[".repeat(32) + "]".repeat(32) + "}";
        big.requiredObject(Headers.json(), body(ok));
        assertStatus(400, () -> big.requiredObject(Headers.json(), body(deep)));
    }

    @Test
    void veryDeepNestingIs400NotACrash() {
        JsonBodies big = new JsonBodies(1 << 20);
        assertStatus(400, () -> big.requiredObject(Headers.json(), body("[".repeat(100_000))));
        assertStatus(400, () -> big.requiredObject(Headers.json(), body("{\"a\":".repeat(50_000))));
    }

    // ---- empty body ----

    @Test
    void emptyBodyIsNullWhenOptional() {
        assertNull(bodies.optionalObject(Headers.json(), body("")));
        assertNull(bodies.optionalObject(Headers.none(), null));
        assertNull(bodies.optionalObject(Headers.json().with(HttpHeaders.CONTENT_LENGTH, "0"), body("")));
        assertNull(bodies.optionalObject(Headers.json(), body("  \r\n\t ")), "whitespace only");
    }

    @Test
    void emptyBodyIs400WhenRequired() {
        assertStatus(400, () -> bodies.requiredObject(Headers.json(), body("")));
        assertStatus(400, () -> bodies.requiredObject(Headers.none(), null));
        assertStatus(400, () -> bodies.requiredObject(Headers.json(), body("   ")));
    }

    @Test
    void emptyObjectIsAnObject() {
        assertEquals(0, bodies.requiredObject(Headers.json(), body("{}")).size());
    }

    // ---- exact content ----

    @Test
    void numbersArePreservedExactly() throws Exception {
        String text = "{\"big\":123456789012345678901234567890,\"price\":1.50,\"tiny\":0.1,"
                + "\"pi\":3.14159265358979323846264338327950288,\"neg\":-0.000,\"exp\":1.0E+400,\"long\":9223372036854775807}";
        JsonBodies big = new JsonBodies(65_536);
        ObjectNode o = big.requiredObject(Headers.json(), body(text));

        assertEquals(new BigInteger("123456789012345678901234567890"), o.get("big").bigIntegerValue());
        assertTrue(o.get("big").isBigInteger());
        assertEquals(new BigDecimal("1.50"), o.get("price").decimalValue(), "scale kept: 1.50 is not 1.5");
        assertEquals("1.50", o.get("price").toString());
        assertEquals(new BigDecimal("0.1"), o.get("tiny").decimalValue());
        assertEquals(new BigDecimal("3.14159265358979323846264338327950288"), o.get("pi").decimalValue());
        assertEquals(new BigDecimal("1.0E+400"), o.get("exp").decimalValue());
        assertEquals(Long.MAX_VALUE, o.get("long").longValue());

        String written = Json.MAPPER.writeValueAsString(o);
        assertTrue(written.contains("\"big\":123456789012345678901234567890"), written);
        assertTrue(written.contains("\"price\":1.50"), written);
        assertTrue(written.contains("\"pi\":3.14159265358979323846264338327950288"), written);
        assertEquals(o, Json.MAPPER.readTree(written), "round trip");
    }

    @Test
    void stringsArePreservedExactly() {
        String text = "{\"s\":\"é 日本 😀 \\u0000 \\\"q\\\" \\\\ \\n\",\"\":\"empty key\"}";
        ObjectNode o = bodies.requiredObject(Headers.json(), body(text));
        assertEquals("é 日本 😀 \u0000 \"q\" \\ \n", o.get("s").asText());
        assertEquals("empty key", o.get("").asText());
    }

    // ---- SPEC §2: lone UTF-16 surrogates ----

    @ParameterizedTest
    @ValueSource(strings = {"{\"u\":\"\\ud800\"}", "{\"u\":\"a\\udbffb\"}", "{\"\\udc00\":1}",
            "{\"a\":{\"b\":[1,{\"c\":\"\\udfff\"}]}}", "{\"a\":[[[\"\\ud83d\"]]]}", "{\"s\":\"\\ude00\\ud83d\"}"})
    void loneSurrogatesInNamesOrStringsAre400(String text) {
        ApiException e = assertThrows(ApiException.class, () -> bodies.optionalObject(Headers.json(), body(text)));
        assertEquals(400, e.status());
        // Jackson itself refuses some (a low surrogate opening a field name); this check catches the rest
        assertTrue(e.getMessage().contains("surrogate"), e.getMessage());
        assertTrue(e.getMessage().chars().noneMatch(c -> Character.isSurrogate((char) c)), "the message holds none itself");
    }

    @Test
    void surrogatesEncodedAsUtf8BytesAre400() {
        // CESU-8 style: U+D800 as ED A0 80, which UTF-8 forbids
        byte[] bytes = {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'};
        assertStatus(400, () -> bodies.optionalObject(Headers.json(), new ByteArrayInputStream(bytes)));
    }

    @Test
    void surrogatePairsAreFine() {
        ObjectNode o = bodies.requiredObject(Headers.json(), body("{\"\\ud83d\\ude00\":\"\\ud83d\\ude00😀\"}"));
        assertEquals("😀😀", o.get("😀").asText());
    }
}
