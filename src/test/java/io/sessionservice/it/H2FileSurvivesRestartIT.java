package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.it.Http.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reason for the H2 file store (issue 12): a single instance that restarts keeps its sessions. The WAR
 * runs in Jetty on an H2 file; sessions are made and changed through both APIs (state API: sliding, with a
 * ttl of their own; user API: absolute, by ttl and by {@code expired_at}); the container is stopped, a new
 * one is started on the same file, and every session is there with its data, owner and expiry to the
 * millisecond, and a deleted one stays deleted.
 */
class H2FileSurvivesRestartIT {

    private static final String KEY = "it-key-h2-restart-0123456789abcd";

    private Path dir;
    private Path configFile;
    private EmbeddedContainer container;

    @BeforeEach
    void writeConfig() throws Exception {
        dir = Files.createTempDirectory("session-it-h2-restart-");
        ObjectNode config = Http.JSON.createObjectNode().put("sessionExpirySec", 3600);
        config.putObject("credentials").putArray("keys").add(KEY);
        config.set("repository", JdbcRepositories.repository(JdbcRepositories.h2File(dir), null, "sessions", 2000));
        configFile = dir.resolve("config.json");
        Files.writeString(configFile, Http.JSON.writeValueAsString(config));
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (container != null) {
            container.close();
        }
        TempFiles.deleteRecursively(dir);
    }

    @Test
    void everySessionOutlivesARestartOfTheService() throws Exception {
        Http before = start();
        String user = "user-" + UUID.randomUUID();

        // state API: sliding sessions, one owned, changed by PATCH and PUT after creation
        String body = "{\"AccountId\":\"" + user + "\",\"big\":12345678901234567890,\"pi\":3.14159265358979323846,"
                + "\"nested\":{\"a\":[1,\"two\",null,{\"b\":false}]},\"text\":\"é\\u2028\\ud83d\\ude00\"}";
        String owned = tokenOf(ok(before.post("", body, "x-key", KEY, "x-ttl", "900")));
        ok(before.patch("", "{\"cart\":[1,2],\"pi\":null}", "x-session-token", owned));
        String anonymous = tokenOf(ok(before.post("", "{\"theme\":\"dark\"}", "x-key", KEY, "x-ttl", "7200")));
        ok(before.put("", "{\"replaced\":true}", "x-session-token", anonymous));
        String deleted = tokenOf(ok(before.post("", "{}", "x-key", KEY)));
        ok(before.delete("", "x-session-token", deleted));

        // user API: absolute expiry, by ttl and by expired_at
        String byTtl = ok(before.post("create", "{\"user_id\":\"" + user + "\",\"ttl\":\"2h\"}", "x-key", KEY))
                .get("message").get("token").asText();
        String expiredAt = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS).toString();
        String byExpiry = ok(before.post("create", "{\"user_id\":\"" + user + "\",\"expired_at\":\"" + expiredAt + "\"}",
                "x-key", KEY)).get("message").get("token").asText();

        Map<String, JsonNode> seen = everything(before, user, List.of(owned, anonymous));
        assertEquals(expiredAt, userSession(seen, byExpiry).get("expired_at").asText());

        container.close(); // the service stops: the store closes the H2 database
        container = null;
        Http after = start(); // a new container, a new webapp class loader, the same file

        assertEquals(seen, everything(after, user, List.of(owned, anonymous)), "sessions before and after the restart");
        assertEquals(401, after.get("validate", "x-session-token", deleted).status(), "the deleted session came back");
        for (String token : List.of(byTtl, byExpiry)) {
            assertEquals("true", ok(after.post("verify", "{\"user_id\":\"" + user + "\",\"token\":\"" + token + "\"}",
                    "x-key", KEY)).get("message").asText());
        }
        // and the restarted service writes to the same file: a change made now is read back
        assertEquals(3, ok(after.patch("", "{\"n\":3}", "x-session-token", anonymous)).get("n").asInt());
        assertEquals(3, ok(after.get("", "x-session-token", anonymous)).get("n").asInt());
    }

    private Http start() throws Exception {
        container = new JettyContainer();
        return new Http(container.deploy(EmbeddedContainer.builtWar(), "/service",
                Map.of(EmbeddedContainer.CONFIG_PARAMETER, configFile.toString())));
    }

    /**
     * What the service says about the sessions, without moving a sliding expiry: GET /validate of each state
     * session (Expires, Ttl), the user's sessions as GET /sessions lists them (the state session it owns among
     * them, with created_at and expired_at), and its latest session; then, last, the data through GET /.
     */
    private static Map<String, JsonNode> everything(Http http, String user, List<String> stateTokens) {
        Map<String, JsonNode> seen = new LinkedHashMap<>();
        for (String token : stateTokens) {
            seen.put("validate " + token, ok(http.get("validate", "x-session-token", token)));
        }
        seen.put("sessions", ok(http.get("sessions?" + Http.query("user_id", user), "x-key", KEY)).get("message"));
        seen.put("latest", ok(http.get("session?" + Http.query("user_id", user), "x-key", KEY)).get("message"));
        for (String token : stateTokens) {
            // without Expires, which GET / may slide (by more than the touch resolution); /validate had it
            ObjectNode data = (ObjectNode) ok(http.get("", "x-session-token", token));
            data.remove("Expires");
            seen.put("data " + token, data);
        }
        return seen;
    }

    private static JsonNode userSession(Map<String, JsonNode> seen, String token) {
        for (JsonNode s : seen.get("sessions")) {
            if (s.get("token").asText().equals(token)) {
                return s;
            }
        }
        throw new AssertionError("no session " + token + " in " + seen.get("sessions"));
    }

    private static String tokenOf(JsonNode representation) {
        return representation.get("xSessionToken").asText();
    }

    private static JsonNode ok(Reply r) {
        assertEquals(200, r.status(), r::toString);
        return r.json();
    }
}
