package io.sessionservice.it;

import static io.sessionservice.it.HttpApiSupport.json;
import static io.sessionservice.it.HttpApiSupport.ok;
import static io.sessionservice.it.HttpApiSupport.tokenOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The plain {@code GET /validate} is answered by a servlet filter before Jersey ({@code http.ValidateFastPath},
 * issue 11); every other shape of the request still goes to Jersey. These tests send each request twice over a
 * raw socket, once plain and once with a query ({@code ?via=jersey}, which the fast path leaves to Jersey and
 * Jersey ignores), and require the same status, headers that matter and body byte for byte: GET /validate does
 * not move the expiry, so both answers describe the same session. The expected status is checked too, so
 * two equal wrong answers fail.
 */
interface ValidateFastPathTests extends HttpApiFixture {

    String QUERY = "?via=jersey";

    @Test
    default void plainValidateAnswersAsJerseyDoesForEveryToken() throws InterruptedException {
        String live = newStateToken();
        String owned = tokenOf(ok(createState(json("AccountId", "it-fast-path-owner", "n", 1))));
        String expiring = tokenOf(ok(createState("{}", "x-ttl", "1")));
        String unknown = "it-unknown-token-0123456789abcdef";
        Thread.sleep(1200); // the x-ttl: 1 session has expired
        sameAnswer(200, "x-session-token", live);
        sameAnswer(200, "x-session-token", owned, "x-include-session", "true");
        sameAnswer(200, "x-session-token", owned, "x-include-session", "TRUE");
        sameAnswer(200, "x-session-token", owned, "x-include-session", "yes");
        sameAnswer(200, "x-session-token", live, "Accept", "application/json");
        sameAnswer(200, "x-session-token", live, "Accept", "*/*");
        sameAnswer(401, "x-session-token", expiring);
        sameAnswer(401, "x-session-token", unknown);
        sameAnswer(401, "x-session-token", "a\"b<c>\\d'");    // malformed: quotes, backslash
        sameAnswer(401, "x-session-token", "x");
        sameAnswer(401, "x-session-token", "");
        sameAnswer(401);                                      // no token header
        sameAnswer(200, "x-session-token", live, "x-session-token", unknown); // the first header counts
        sameAnswer(401, "x-session-token", unknown, "x-session-token", live);
    }

    /** Jersey gave answers up to 8 KiB a Content-Length and streamed (chunked) larger ones: so does the fast path. */
    @Test
    default void largeSessionsAreFramedAsJerseyFramedThem() {
        for (int pad : new int[] {8000, 8090, 8091, 12_000}) { // 8090 makes the answer exactly 8192 bytes
            String token = tokenOf(ok(createState(json("AccountId", "it-fast-path-big", "pad", "y".repeat(pad)))));
            RawHttp.Answer a = sameAnswer(200, "x-session-token", token, "x-include-session", "true");
            assertEquals(pad, a.json().path("Session").path("pad").asText().length(), a::toString);
        }
    }

    /** Shapes the fast path leaves to Jersey keep Jersey's answers (here with a live token). */
    @Test
    default void otherShapesOfValidateAreJerseys() {
        URI base = http().base();
        String token = newStateToken();
        String path = base.getPath() + "validate";
        String auth = "x-session-token: " + token + "\r\n";
        RawHttp.Answer head = RawHttp.send(base, "HEAD " + path + " HTTP/1.1\r\n" + auth);
        assertEquals(200, head.status(), head::toString);
        assertEquals("", head.body(), head::toString);
        RawHttp.Answer options = RawHttp.send(base, "OPTIONS " + path + " HTTP/1.1\r\n" + auth);
        assertEquals(200, options.status(), options::toString);
        assertTrue(options.header("Allow").contains("GET"), options::toString);
        for (String method : List.of("get", "POST", "DELETE")) {
            RawHttp.Answer a = RawHttp.send(base, method + " " + path + " HTTP/1.1\r\nContent-Length: 0\r\n" + auth);
            assertEquals("MethodNotAllowedError", RawHttp.assertJsonError(a, 405).path("code").asText(), a::toString);
        }
        assertEquals(200, RawHttp.get(base, path + "/", "x-session-token", token).status());
        assertEquals(200, RawHttp.get(base, path + "?", "x-session-token", token).status());
        assertEquals(400, RawHttp.get(base, base.getPath() + "/validate", "x-session-token", token).status());
        assertEquals(404, RawHttp.get(base, base.getPath() + "Validate", "x-session-token", token).status());
        assertEquals(200, RawHttp.get(base, path, "x-session-token", token, "Content-Type", ";;").status());
        RawHttp.Answer html = RawHttp.get(base, path, "x-session-token", token, "Accept", "text/html");
        assertEquals("NotAcceptableError", RawHttp.assertJsonError(html, 406).path("code").asText(), html::toString);
        // A second Accept header that is malformed: Jersey reads every Accept header, and refuses.
        RawHttp.Answer twoAccepts = RawHttp.get(base, path, "x-session-token", token,
                "Accept", "application/json", "Accept", ";;;");
        assertEquals("Malformed Accept header", RawHttp.assertJsonError(twoAccepts, 400).path("message").asText());
    }

    @Test
    default void plainValidateIsCountedInTheRequestMetrics() {
        String token = newStateToken();
        double before = validateCount("200");
        URI base = http().base();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, RawHttp.get(base, base.getPath() + "validate", "x-session-token", token).status());
        }
        assertEquals(before + 3, validateCount("200"), 0.0);
    }

    @Test
    default void storeTroubleOnPlainValidateIs503AsFromJersey() throws Exception {
        String token = newStateToken();
        assumeTrue(interruptStore(), "this store cannot be interrupted from the test");
        try {
            RawHttp.Answer a = sameAnswer(503, "x-session-token", token);
            assertEquals("ServiceUnavailableError", a.json().path("code").asText(), a::toString);
            assertEquals("1", a.header("Retry-After"), a::toString);
        } finally {
            restoreStore();
        }
        ok(validate(newStateToken())); // served again (sessions from before may not have survived the outage)
    }

    /** See {@link OperationsTests#storeTroubleIs503WithRetryAfterAndServiceResumes()}. */
    boolean interruptStore() throws Exception;

    void restoreStore() throws Exception;

    /**
     * Sends GET /validate with {@code headers} (name, value, …) plainly and with {@link #QUERY}: both answers must
     * have {@code status} and be the same. Returns the plain one.
     */
    private RawHttp.Answer sameAnswer(int status, String... headers) {
        URI base = http().base();
        RawHttp.Answer plain = RawHttp.get(base, base.getPath() + "validate", headers);
        RawHttp.Answer jersey = RawHttp.get(base, base.getPath() + "validate" + QUERY, headers);
        assertEquals(status, plain.status(), plain::toString);
        assertEquals(view(jersey), view(plain), () -> plain + "\nvs Jersey's\n" + jersey);
        return plain;
    }

    /** What a client can tell apart: status, the headers the service sets, framing, body. */
    private static List<String> view(RawHttp.Answer a) {
        List<String> parts = new ArrayList<>(List.of(Integer.toString(a.status()), a.body()));
        for (String name : List.of("Content-Type", "Content-Length", "Transfer-Encoding", "Retry-After", "Allow",
                "Cache-Control", "Vary", "Set-Cookie")) {
            parts.add(name + ": " + a.header(name));
        }
        return parts;
    }

    private double validateCount(String status) {
        String body = http().get("metrics").body();
        Matcher m = Pattern.compile("^session_requests_seconds_count\\{operation=\"validate\",status=\"" + status
                + "\"} (\\S+)$", Pattern.MULTILINE).matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
