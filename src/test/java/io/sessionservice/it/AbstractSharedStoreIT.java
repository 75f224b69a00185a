package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.it.Http.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two service instances, the WAR deployed in Tomcat and in Jetty, sharing one store server that the
 * subclass starts: a session made on one is live on the other, whichever API is used, and ends on both.
 * When that server stops, both answer 503 with Retry-After; when it is back, both serve again, unrestarted,
 * within {@link #RECOVERY}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractSharedStoreIT {

    protected static final String KEY = "it-key-two-instances-0123456789";
    /**
     * How soon both serve again once the store is back. Redis reconnects on the next command; the jdbc store's
     * HikariCP pool, emptied by the outage, reconnects in the background with a backoff that grows to 5 s
     * (fixed in HikariCP), and a request waits one store timeout (1 s) for a connection: 5 + 1 s plus slack.
     */
    private static final Duration RECOVERY = Duration.ofMillis(7500);

    private Path configFile;
    private EmbeddedContainer tomcat;
    private EmbeddedContainer jetty;
    private Http one;
    private Http two;

    /** Starts the store server both instances use. */
    protected abstract void startServer() throws Exception;

    /** The config's {@code repository} section for that server. */
    protected abstract ObjectNode repository();

    /** Stops the server (its address refuses connections) while both instances run. */
    protected abstract void stopServer() throws Exception;

    /** Starts it again after {@link #stopServer()}, at the same address. */
    protected abstract void restartServer() throws Exception;

    /** Stops the server for good and removes what it left. */
    protected abstract void closeServer() throws Exception;

    /** Whether a server restarted by {@link #restartServer()} still has the sessions made before it stopped. */
    protected abstract boolean keepsSessionsAcrossRestart();

    protected final Http one() {
        return one;
    }

    protected final Http two() {
        return two;
    }

    @BeforeAll
    final void deployTwoInstances() throws Exception {
        startServer();
        ObjectNode config = Http.JSON.createObjectNode().put("sessionExpirySec", 3600);
        config.putObject("credentials").putArray("keys").add(KEY);
        config.set("repository", repository());
        configFile = Files.createTempFile("session-it-two-instances-", ".json");
        Files.writeString(configFile, Http.JSON.writeValueAsString(config));
        Map<String, String> parameters = Map.of(EmbeddedContainer.CONFIG_PARAMETER, configFile.toString());
        tomcat = new TomcatContainer();
        one = new Http(tomcat.deploy(EmbeddedContainer.builtWar(), "/one", parameters));
        jetty = new JettyContainer();
        two = new Http(jetty.deploy(EmbeddedContainer.builtWar(), "/two", parameters));
    }

    @AfterAll
    final void undeploy() throws Exception {
        try {
            for (AutoCloseable c : new AutoCloseable[] {tomcat, jetty}) {
                if (c != null) {
                    c.close();
                }
            }
        } finally {
            closeServer();
            if (configFile != null) {
                Files.deleteIfExists(configFile);
            }
        }
    }

    @Test
    void aStateSessionMadeOnOneInstanceIsLiveOnTheOther() {
        String user = "user-" + UUID.randomUUID();
        String body = "{\"AccountId\":\"" + user + "\",\"big\":12345678901234567890,\"pi\":3.14159265358979323846}";
        String token = ok(one.post("", body, "x-key", KEY)).get("xSessionToken").asText();

        JsonNode onTwo = ok(two.get("", "x-session-token", token));
        assertEquals(Http.parse(body), withoutServerFields(onTwo));
        ok(two.patch("", "{\"cart\":[1,2]}", "x-session-token", token));
        assertEquals(Http.parse("[1,2]"), ok(one.get("", "x-session-token", token)).get("cart"));
        assertEquals(token, ok(two.get("session?" + Http.query("user_id", user), "x-key", KEY))
                .get("message").get("token").asText());

        ok(two.delete("", "x-session-token", token));
        assertEquals(401, one.get("", "x-session-token", token).status());
        assertEquals(401, two.get("validate", "x-session-token", token).status());
    }

    @Test
    void aUserSessionMadeOnOneInstanceIsLiveOnTheOther() {
        String user = "user-" + UUID.randomUUID();
        String token = ok(two.post("create", "{\"user_id\":\"" + user + "\",\"ttl\":\"1h\"}", "x-key", KEY))
                .get("message").get("token").asText();
        assertEquals("true", ok(one.post("verify",
                "{\"user_id\":\"" + user + "\",\"token\":\"" + token + "\"}", "x-key", KEY)).get("message").asText());
        ok(one.get("validate", "x-session-token", token));
        ok(one.delete("sessions?" + Http.query("user_id", user), "x-key", KEY));
        assertEquals(401, two.get("validate", "x-session-token", token).status());
    }

    @Test
    void whenTheStoreStopsBothAnswer503AndBothServeAgainWhenItIsBack() throws Exception {
        String token = ok(one.post("", "{\"kept\":true}", "x-key", KEY)).get("xSessionToken").asText();
        stopServer();
        try {
            for (Http instance : List.of(one, two)) {
                for (Reply r : List.of(instance.get("", "x-session-token", token),
                        instance.post("", "{}", "x-key", KEY),
                        instance.post("create", "{\"user_id\":\"u\"}", "x-key", KEY))) {
                    assertEquals(503, r.status(), r.toString());
                    assertNotNull(r.header("Retry-After"), r + " has no Retry-After");
                }
                assertEquals("ServiceUnavailableError", instance.get("", "x-session-token", token).json().get("code").asText());
                assertEquals(503, instance.get("health").status());
            }
        } finally {
            restartServer();
        }
        for (Http instance : List.of(one, two)) {
            assertServesWithin(RECOVERY, instance);
        }
        String again = ok(two.post("", "{\"back\":true}", "x-key", KEY)).get("xSessionToken").asText();
        assertEquals(true, ok(one.get("", "x-session-token", again)).get("back").asBoolean());
        if (keepsSessionsAcrossRestart()) {
            assertEquals(true, ok(two.get("", "x-session-token", token)).get("kept").asBoolean());
        }
    }

    /** GET /health answers 200 within {@code bound} of the server being back, polled every 50 ms; the wait is logged. */
    private void assertServesWithin(Duration bound, Http instance) throws InterruptedException {
        long start = System.nanoTime();
        int status;
        while ((status = instance.get("health").status()) != 200) {
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(waited.compareTo(bound) < 0, "GET /health still " + status + " " + waited.toMillis()
                    + " ms after the store came back");
            Thread.sleep(50);
        }
        System.out.printf("%s: %s served again %d ms after the store came back%n", getClass().getSimpleName(),
                instance == one ? "Tomcat" : "Jetty", Duration.ofNanos(System.nanoTime() - start).toMillis());
    }

    protected static JsonNode ok(Reply r) {
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    private static JsonNode withoutServerFields(JsonNode representation) {
        ObjectNode data = representation.deepCopy();
        data.remove(List.of("xSessionToken", "Expires", "Ttl"));
        return data;
    }
}
