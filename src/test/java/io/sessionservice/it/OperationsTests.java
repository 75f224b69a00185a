package io.sessionservice.it;

import static io.sessionservice.it.HttpApiSupport.assertStateError;
import static io.sessionservice.it.HttpApiSupport.assertUnknownToken;
import static io.sessionservice.it.HttpApiSupport.assertUserError;
import static io.sessionservice.it.HttpApiSupport.json;
import static io.sessionservice.it.HttpApiSupport.ok;
import static io.sessionservice.it.HttpApiSupport.uniqueUser;
import static io.sessionservice.it.HttpApiSupport.userSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionservice.it.Http.Reply;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operations endpoints over HTTP (GET /health, /metrics, /openapi.yaml) and SPEC §6: while the store is
 * unreachable, 503 with Retry-After and health DOWN; served again once it is back. Run by {@link AbstractHttpApiIT}.
 */
interface OperationsTests extends HttpApiFixture {

    /** The store name GET /health reports. */
    String storeType();

    /**
     * Makes the store unreachable while the service runs, for {@link #storeTroubleIs503WithRetryAfterAndServiceResumes}.
     *
     * @return false when this store cannot be interrupted: that test is then skipped
     */
    boolean interruptStore() throws Exception;

    /** Undoes {@link #interruptStore()}. */
    void restoreStore() throws Exception;

    // ================================================================== operations

    @Test
    default void healthIsUp() {
        Reply r = http().get("health");
        assertEquals(200, r.status(), r::toString);
        assertEquals(json("status", "UP", "store", storeType()), r.json());
    }

    @Test
    default void metricsCountRequestsByOperationAndStatus() {
        ok(createState("{}"));
        assertUnknownToken(getState("it-unknown-token-for-metrics"), "it-unknown-token-for-metrics");

        Reply r = http().get("metrics");
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type"));
        Matcher m = Pattern.compile("^session_requests_seconds_count\\{operation=\"[^\"]+\",status=\"(\\d{3})\"} \\S+$",
                Pattern.MULTILINE).matcher(r.body());
        Set<String> statuses = new HashSet<>();
        while (m.find()) {
            statuses.add(m.group(1));
        }
        assertTrue(statuses.containsAll(List.of("200", "401")), () -> "statuses " + statuses + " in\n" + r.body());
        // named by the resource method that answered, not "unmatched"
        assertTrue(r.body().contains("session_requests_seconds_count{operation=\"create\",status=\"200\"}"), r::body);
        assertTrue(r.body().contains("session_requests_seconds_count{operation=\"get\",status=\"401\"}"), r::body);
    }

    @Test
    default void livenessNeverAsksTheStoreAndReadinessDoes() {
        Reply live = http().get("health/live");
        assertEquals(200, live.status(), live::toString);
        assertEquals(json("status", "UP"), live.json());
        Reply ready = http().get("health/ready");
        assertEquals(200, ready.status(), ready::toString);
        assertEquals(json("status", "UP", "store", storeType()), ready.json());
        String pings = "session_store_operations_seconds_count{operation=\"ping\",outcome=\"ok\"}";
        double before = sample(http().get("metrics").body(), pings);
        http().get("health/live");
        assertEquals(before, sample(http().get("metrics").body(), pings), "/health/live pinged the store");
        http().get("health/ready");
        assertEquals(before + 1, sample(http().get("metrics").body(), pings), "/health/ready did not ping the store");
    }

    @Test
    default void metricsHaveTheJvmTheStoreAndSloHistograms() {
        ok(createState("{}"));
        String body = http().get("metrics").body();
        for (String series : List.of("jvm_memory_used_bytes{", "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads",
                "jvm_classes_loaded_classes", "process_cpu_usage", "process_uptime_seconds", "system_cpu_count",
                "sessions_live", "session_store_up 1.0",
                "session_store_errors_total{operation=\"find\"}",
                "session_store_operations_seconds_bucket{operation=\"insert\",outcome=\"ok\",le=\"0.001\"}",
                "session_requests_seconds_bucket{operation=\"create\",status=\"200\",le=\"0.25\"}")) {
            assertTrue(body.contains(series), () -> series + " missing in\n" + body);
        }
        for (String le : List.of("0.001", "0.002", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "+Inf")) {
            assertTrue(body.contains("session_requests_seconds_bucket{operation=\"create\",status=\"200\",le=\"" + le + "\"}"),
                    () -> "bucket " + le + " missing");
        }
    }

    /** Issue 14: label values stay bounded; paths, tokens and user ids never become label values. */
    @Test
    default void manyDistinctPathsTokensAndUsersAddNoSeries() {
        Runnable mixed = () -> {
            String unique = java.util.UUID.randomUUID().toString().replace("-", "");
            http().get("no-such-" + unique);
            http().get("deep/" + unique + "/path");
            getState("it-unknown-" + unique);
            validate("it-unknown-" + unique);
            list("u-" + unique);
            http().delete("no-such-" + unique);
        };
        for (int i = 0; i < 3; i++) {
            mixed.run(); // every kind of request once, so its series exist (the scrape's own too)
            http().get("metrics");
        }
        Set<String> before = serviceSeries(http().get("metrics").body());
        for (int i = 0; i < 150; i++) {
            mixed.run();
        }
        String after = http().get("metrics").body();
        Set<String> added = new HashSet<>(serviceSeries(after));
        added.removeAll(before);
        assertEquals(Set.of(), added, "series added by distinct paths, tokens or user ids");
        assertEquals(before.size(), serviceSeries(after).size());
        assertTrue(!after.contains("it-unknown-") && !after.contains("no-such-"), "a path or token as a label value");
    }

    @Test
    default void theConsoleIsServedWithItsSecurityHeaders() {
        Reply page = http().get("console/");
        assertEquals(200, page.status(), page::toString);
        assertTrue(page.header("Content-Type").startsWith("text/html"), page::toString);
        for (Reply r : List.of(page, http().get("console/console.js"), http().get("console/console.css"),
                http().get("console/no-such-file.js"))) {
            String csp = r.header("Content-Security-Policy");
            assertNotNull(csp, r::toString);
            assertTrue(csp.contains("default-src 'self'") && csp.contains("script-src 'self'")
                    && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe"), csp);
            assertEquals("DENY", r.header("X-Frame-Options"), r::toString);
            assertEquals("nosniff", r.header("X-Content-Type-Options"), r::toString);
        }
        assertEquals(404, http().get("console/no-such-file.js").status());
        assertTrue(http().get("console/console.js").header("Content-Type").startsWith("text/javascript"));
        // no inline script or handler in the page: every script comes from a file
        assertTrue(!Pattern.compile("<script(?![^>]*\\ssrc=)").matcher(page.body()).find(), page::body);
        assertTrue(!Pattern.compile("\\son[a-z]+=").matcher(page.body()).find(), page::body);
        Reply bare = http().get("console");
        assertEquals(308, bare.status(), bare::toString);
        assertTrue(bare.header("Location").endsWith("/console/"), bare::toString);
    }

    @Test
    default void sessionsListedWithDataForTheConsole() {
        String user = uniqueUser();
        ok(createState(json("AccountId", user, "note", "<b>x</b>")));
        Reply r = http().get("sessions?include=data&user_id=" + user, "x-key", AbstractHttpApiIT.KEY);
        JsonNode s = userSuccess(r).get(0);
        assertEquals(true, s.path("sliding").asBoolean(), r::toString);
        assertEquals("<b>x</b>", s.path("data").path("note").asText(), r::toString);
        assertUserError(http().get("sessions?include=everything&user_id=" + user, "x-key", AbstractHttpApiIT.KEY), 400);
        assertTrue(!userSuccess(list(user)).get(0).has("data"), "data without include=data");
    }

    /** The series of the service's own meters (session*), by name and labels. */
    private static Set<String> serviceSeries(String metrics) {
        Set<String> series = new HashSet<>();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("session")) {
                series.add(line.substring(0, line.lastIndexOf(' ')));
            }
        }
        return series;
    }

    /** The value of one series in a scrape (0 when absent). */
    private static double sample(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        return 0;
    }

    @Test
    default void openApiDocumentIsServed() {
        Reply r = http().get("openapi.yaml");
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.body().startsWith("openapi:"), r::toString);
    }

    // ================================================================== §6 store trouble (stores that can be interrupted)

    @Test
    default void storeTroubleIs503WithRetryAfterAndServiceResumes() throws Exception {
        String token = newStateToken();
        String user = uniqueUser();
        newUserSession(json("user_id", user));
        assumeTrue(interruptStore(), () -> "the " + storeType() + " store cannot be interrupted from the test");
        try {
            for (Reply r : List.of(getState(token), validate(token), createState("{}"), patchState(token, "{}"))) {
                assertStateError(r, 503, "ServiceUnavailableError");
                assertNotNull(r.header("Retry-After"), r::toString);
            }
            for (Reply r : List.of(latest(user), createUser(json("user_id", user)),
                    verify(json("user_id", user, "token", token)))) {
                assertUserError(r, 503);
                assertNotNull(r.header("Retry-After"), r::toString);
            }
            Reply health = http().get("health");
            assertEquals(503, health.status(), health::toString);
            assertEquals("DOWN", health.json().path("status").asText(), health::toString);
            Reply ready = http().get("health/ready");
            assertEquals(503, ready.status(), ready::toString);
            assertNotNull(ready.header("Retry-After"), ready::toString);
            assertEquals(200, http().get("health/live").status(), "liveness must not depend on the store");
            String metrics = http().get("metrics").body();
            assertTrue(metrics.contains("session_store_up 0.0"), metrics);
        } finally {
            restoreStore();
        }
        // Served again without a restart (sessions from before may or may not have survived the outage).
        ok(getState(newStateToken()));
        String after = uniqueUser();
        newUserSession(json("user_id", after));
        userSuccess(latest(after));
        assertEquals(200, http().get("health").status());
        assertEquals(200, http().get("health/ready").status());
        assertTrue(http().get("metrics").body().contains("session_store_up 1.0"));
    }
}
