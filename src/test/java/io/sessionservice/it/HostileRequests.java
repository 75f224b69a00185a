package io.sessionservice.it;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries of hostile requests for {@link AbstractFuzzIT}: every route and some that are none, odd
 * methods, and random or boundary values in each header, query parameter and body field the service reads,
 * in odd encodings and sizes. Strings reach bodies as JSON escapes, so lone surrogates and control
 * characters arrive as such.
 */
final class HostileRequests {

    /** The routes of both APIs and the operations endpoints: method, path (relative to the context root). */
    static final List<List<String>> ROUTES = List.of(
            List.of("POST", ""), List.of("GET", ""), List.of("GET", "validate"), List.of("PUT", ""),
            List.of("PATCH", ""), List.of("DELETE", ""), List.of("POST", "create"), List.of("GET", "session"),
            List.of("GET", "sessions"), List.of("DELETE", "sessions"), List.of("POST", "verify"),
            List.of("GET", "health"), List.of("GET", "metrics"), List.of("GET", "openapi.yaml"));

    static final List<String> FIELDS = List.of("user_id", "token", "ttl", "created_at", "expired_at",
            "xSessionToken", "Expires", "Ttl", "AccountId");

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final String key;
    private final List<String> knownTokens;
    private final long maxTtl;
    private final int maxBody;

    /**
     * @param key         a valid x-key (most requests carry it, so they get past the key check)
     * @param knownTokens tokens of live sessions the fuzz may read, change and delete (never the canary's)
     */
    HostileRequests(String key, List<String> knownTokens, long maxTtl, int maxBody) {
        this.key = key;
        this.knownTokens = List.copyOf(knownTokens);
        this.maxTtl = maxTtl;
        this.maxBody = maxBody;
    }

    /** One request to send. */
    record Request(String method, String path, List<String> headers, byte[] body, boolean chunked) {

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(method).append(" /").append(shorten(path, 300));
            for (int i = 0; i < headers.size(); i += 2) {
                s.append("\n  ").append(headers.get(i)).append(": ").append(shorten(escaped(headers.get(i + 1)), 200));
            }
            if (body != null) {
                s.append("\n  body (").append(body.length).append(" bytes").append(chunked ? ", chunked" : "")
                        .append("): ").append(shorten(escaped(new String(body, StandardCharsets.UTF_8)), 400));
            }
            return s.toString();
        }
    }

    Arbitrary<Request> requests() {
        Arbitrary<List<String>> route = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(ROUTES)),
                Tuple.of(1, Combinators.combine(oddMethods(), Arbitraries.of(ROUTES)).as((m, r) -> List.of(m, r.get(1)))),
                Tuple.of(1, Combinators.combine(Arbitraries.of(ROUTES), oddPaths()).as((r, p) -> List.of(r.get(0), p))));
        Arbitrary<List<String>> headers = Combinators.combine(
                optional("x-key", keys()), optional("x-session-token", tokens()), optional("x-ttl", ttlHeaders()),
                optional("Content-Type", contentTypes()), optional("Accept", accepts()),
                optional("x-include-session", Arbitraries.of("true", "TRUE", "false", "1", "")),
                optional("Content-Encoding", Arbitraries.of("gzip", "identity", "x")),
                optional("x-odd", headerValues())).as((a, b, c, d, e, f, g, h) -> concat(a, b, c, d, e, f, g, h));
        return Combinators.combine(route, query(), headers, bodies(), Arbitraries.of(true, false))
                .as((r, q, h, b, chunked) -> new Request(r.get(0), r.get(1) + q, h, b, chunked && b != null));
    }

    // ------------------------------------------------------------------ methods, paths, query

    /**
     * Methods a route does not take. Not TRACE: the container answers it itself, before the webapp, which
     * is the container error pages' concern (ContainerEdgeFilter, tomcat-conf, jetty-conf), not this test's.
     */
    private static Arbitrary<String> oddMethods() {
        return Arbitraries.of("OPTIONS", "HEAD", "PROPFIND", "FOO", "M-SEARCH", "get", "Post", "PATCH", "DELETE", "PUT",
                "POST", "GET");
    }

    private static Arbitrary<String> oddPaths() {
        return Arbitraries.oneOf(
                Arbitraries.of("nope", "create/x", "validate/", "Create", "SESSION", "sessions/", "verify/1", "a%20b",
                        "%7Evalidate", "%C3%A9", "validate.json", "health/x", "metrics.txt", "openapi.json", "x".repeat(3000),
                        "-", "_", "~", "validate/validate", "create.", "0"),
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-_~").ofMaxLength(40));
    }

    private Arbitrary<String> query() {
        Arbitrary<String> userId = Arbitraries.oneOf(hostileStrings().map(HostileRequests::encoded), rawPercentBytes(),
                Arbitraries.of("", "u", "%20", "+", "a+b", "%2B"));
        Arbitrary<String> params = Combinators.combine(
                optional("user_id", userId), optional("limit", Arbitraries.of("0", "1", "-1", "1000", "1001", "x", "")),
                optional("cursor", Arbitraries.of("", "x", "0", "%00", "AAAA")), optional("user_id", userId))
                .as((a, b, c, d) -> concat(a, b, c, d))
                .map(p -> {
                    List<String> pairs = new ArrayList<>();
                    for (int i = 0; i < p.size(); i += 2) {
                        pairs.add(p.get(i) + "=" + p.get(i + 1));
                    }
                    return pairs.isEmpty() ? "" : "?" + String.join("&", pairs);
                });
        return Arbitraries.frequencyOf(Tuple.of(9, params), Tuple.of(1, Arbitraries.of("?", "?user_id", "?&&", "?=x")));
    }

    /** Percent-encoded bytes that need not be UTF-8: lone surrogates in CESU-8, overlong forms, NUL, 0xFF. */
    private static Arbitrary<String> rawPercentBytes() {
        Arbitrary<String> octet = Arbitraries.oneOf(Arbitraries.integers().between(0, 255),
                        Arbitraries.of(0xED, 0xA0, 0x80, 0xC0, 0xFF, 0xF0, 0x00))
                .map(b -> String.format("%%%02X", b));
        return octet.list().ofMinSize(1).ofMaxSize(8).map(l -> String.join("", l));
    }

    // ------------------------------------------------------------------ headers

    private Arbitrary<String> keys() {
        return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(key)),
                Tuple.of(1, Arbitraries.of("", " ", "wrong", key + " ", key.toUpperCase(), key + key)),
                Tuple.of(1, headerValues()));
    }

    private Arbitrary<String> tokens() {
        Arbitrary<String> wellFormedish = Arbitraries.strings()
                .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-")
                .ofMinLength(0).ofMaxLength(300)
                .edgeCases(e -> e.add("", "a".repeat(15), "a".repeat(16), "b".repeat(256), "c".repeat(257)));
        Arbitrary<String> known = knownTokens.isEmpty() ? wellFormedish : Arbitraries.of(knownTokens);
        return Arbitraries.frequencyOf(Tuple.of(4, known), Tuple.of(3, wellFormedish), Tuple.of(1, headerValues()));
    }

    private Arbitrary<String> ttlHeaders() {
        return Arbitraries.oneOf(
                Arbitraries.of("0", "1", "-1", Long.toString(maxTtl), Long.toString(maxTtl + 1), "9223372036854775807",
                        "9223372036854775808", "-9223372036854775808", "999999999999", "9999999999999", "1e3", " 60 ",
                        "", "abc", "PT1H", "\u00b3", "60s", "0x10", "+5", "00000000000060"),
                Arbitraries.longs().map(String::valueOf));
    }

    private static Arbitrary<String> contentTypes() {
        return Arbitraries.oneOf(Arbitraries.of("application/json", "application/json; charset=utf-8",
                "application/json; charset=latin1", "application/json; charset=utf-16", "application/vnd.x+json",
                "APPLICATION/JSON", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "",
                ";", "application/", "/json", "*/*", "application/json; charset=\"", "application/json;;;",
                "application/json; a=b; a=c"), headerValues());
    }

    private static Arbitrary<String> accepts() {
        return Arbitraries.oneOf(Arbitraries.of("application/json", "*/*", "text/html", "text/plain", "", ",,",
                "application/json;q=x", "*/json", "application/*;q=0", "application/json;q=0", "text/*, */*;q=0.1"),
                headerValues());
    }

    /** What an HTTP/1.1 header can carry: ISO-8859-1 without control characters (tab allowed). */
    private static Arbitrary<String> headerValues() {
        return Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00a0', '\u00ff').withChars('\t')
                .ofMinLength(1).ofMaxLength(1200)
                .map(s -> s.strip().isEmpty() ? "x" : s.strip());
    }

    // ------------------------------------------------------------------ bodies

    private Arbitrary<byte[]> bodies() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just((byte[]) null)),
                Tuple.of(5, jsonObjects().map(HostileRequests::utf8)),
                Tuple.of(1, hostileStrings().map(HostileRequests::utf8)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)),
                Tuple.of(2, specialBodies()));
    }

    private Arbitrary<byte[]> specialBodies() {
        String nearLimit = "{\"a\":\"" + "x".repeat(maxBody - 8) + "\"}";
        return Arbitraries.oneOf(
                Arbitraries.of("", " ", "null", "[]", "\"s\"", "{", "{}", "{} {}", "{\"a\":1,\"a\":2}", "{\"a\":1}x",
                        "{\"a\":1e999999999}", "{\"a\":-0}", "{\"a\":\"\\ud800\"}", "{\"\\udbff\":1}",
                        "{\"user_id\":\"\\ud800\"}", "{\"user_id\":\"\\udbff\"}", "{\"a\":\"\\u0000\"}",
                        "\u00ef\u00bb\u00bf{}", "{\"a\":NaN}", "{'a':1}", "{\"a\":01}", "\ufeff{}",
                        nearLimit, nearLimit + " ", "x".repeat(maxBody + 1)).map(HostileRequests::utf8),
                Arbitraries.integers().between(28, 40).map(d -> utf8("{\"a\":".repeat(d) + "1" + "}".repeat(d))),
                Arbitraries.integers().between(28, 40).map(d -> utf8("{\"a\":" + "[".repeat(d) + "]".repeat(d) + "}")),
                Arbitraries.just(new byte[] {(byte) 0xFE, (byte) 0xFF, 0, '{', 0, '}'}),
                Arbitraries.just("{\"user_id\":\"u\"}".getBytes(StandardCharsets.UTF_16)),
                Arbitraries.just(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}));
    }

    /** A JSON object as text: the fields the service reads with hostile values, and random ones. */
    private Arbitrary<String> jsonObjects() {
        Arbitrary<String> name = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(FIELDS)), Tuple.of(1, hostileStrings()));
        Arbitrary<String> field = Combinators.combine(name, jsonValues(3)).as((n, v) -> quoted(n) + ":" + v);
        return field.list().ofMaxSize(8).map(l -> "{" + String.join(",", l) + "}");
    }

    private Arbitrary<String> jsonValues(int depth) {
        List<Arbitrary<String>> choices = new ArrayList<>(List.of(
                hostileStrings().map(HostileRequests::quoted), timestamps(), ttls(), numbers(),
                Arbitraries.of("true", "false", "null")));
        if (depth > 0) {
            Arbitrary<String> inner = Arbitraries.lazy(() -> jsonValues(depth - 1));
            choices.add(inner.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"));
            choices.add(Combinators.combine(hostileStrings(), inner).as((n, v) -> quoted(n) + ":" + v)
                    .list().ofMaxSize(4).map(l -> "{" + String.join(",", l) + "}"));
        }
        return Arbitraries.oneOf(choices);
    }

    private Arbitrary<String> timestamps() {
        Instant now = Instant.now();
        long max = maxTtl;
        Arbitrary<Long> offsets = Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, -1L, 60L, 61L, -60L, max, max + 1, -max, -max - 1, 3600L, -3600L),
                Arbitraries.longs().between(-2 * max, 2 * max));
        return Arbitraries.oneOf(
                offsets.map(o -> quoted(ISO.format(now.plusSeconds(o)))),
                offsets.map(o -> Long.toString(now.plusSeconds(o).toEpochMilli())),
                Arbitraries.of(Long.toString(Long.MIN_VALUE), Long.toString(Long.MAX_VALUE), "0", "-1",
                        "9223372036854775808", "1e20", "1.5", "\"+999999999-12-31T23:59:59.999999999-18:00\"",
                        "\"-999999999-01-01T00:00:00+18:00\"", "\"+1000000000-01-01T00:00:00Z\"", "\"1431969351628\"",
                        "\"999999999999999\"", "\"2015-05-18T17:15:51.628Z\"", "\"2015-02-30T00:00:00Z\"", "\"now\""));
    }

    private Arbitrary<String> ttls() {
        return Arbitraries.of("\"0\"", "\"1\"", "\"-1\"", "\"" + maxTtl + "\"", "\"" + (maxTtl + 1) + "\"", "\"30m\"",
                "\"999999999999w\"", "\"PT1H\"", "\"PT-1H\"", "\"P1000000000D\"", "\"PT0.5S\"", "\"1h\"", "\"\"", "60",
                "0", Long.toString(Long.MAX_VALUE), Long.toString(Long.MIN_VALUE), "1e3", "60.0", "\"٣\"");
    }

    private static Arbitrary<String> numbers() {
        return Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("0", "-0", "1.50", "1e400", "-1e-400", "123456789012345678901234567890", "0.1e1",
                        "1E+2", "3.14159265358979323846264338327950288"));
    }

    /** Strings a client could send: any UTF-16 (lone surrogates too), controls, long ones, look-alikes. */
    static Arbitrary<String> hostileStrings() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().withCharRange('\ud800', '\udfff').ofMinLength(1).ofMaxLength(3),
                Arbitraries.strings().alpha().numeric().ofMaxLength(20),
                Arbitraries.of("", " ", "u", "\u0000", "😀", "\ud83d", "\ude00", "é", "\u202e", "?", "%", "\\", "\"",
                        "null", "<script>", "${jndi:x}", "x".repeat(5000)));
    }

    // ------------------------------------------------------------------ helpers

    private static Arbitrary<List<String>> optional(String name, Arbitrary<String> value) {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(List.<String>of())),
                Tuple.of(2, value.map(v -> List.of(name, v))));
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return all;
    }

    /** URL-encoded UTF-8 (a lone surrogate has none: the encoder writes '?'). */
    private static String encoded(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A JSON string literal; controls and every surrogate as escapes, so the UTF-8 text loses nothing. */
    static String quoted(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String escaped(String s) {
        return s.chars().mapToObj(c -> c < 0x20 || c == 0x7f || Character.isSurrogate((char) c)
                ? String.format("\\u%04x", c) : String.valueOf((char) c)).collect(Collectors.joining());
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…(" + s.length() + " chars)";
    }
}
