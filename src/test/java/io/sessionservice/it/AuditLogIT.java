package io.sessionservice.it;

import static io.sessionservice.it.HttpApiSupport.json;
import static io.sessionservice.it.HttpApiSupport.ok;
import static io.sessionservice.it.HttpApiSupport.uniqueToken;
import static io.sessionservice.it.HttpApiSupport.uniqueUser;
import static io.sessionservice.it.HttpApiSupport.userSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The audit log of a deployed WAR (embedded Tomcat, memory store), read from what its own logback
 * writes to standard output: one JSON line per create, delete, logout-everywhere, refused ownership
 * change and refused x-key, each with time, user, token fingerprint and client address; and neither a
 * token nor a key, nor a piece of one, anywhere in the output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditLogIT {

    private static final String KEY = "it-key-audit-0123456789abcdef";
    private static final String LOGGER = "io.sessionservice.audit";

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private ConfiguredWar war;
    private Http http;

    @BeforeAll
    void deploy() throws Exception {
        // logback's console appender writes to whatever System.out is at each write: a tee sees the WAR's lines.
        originalOut = System.out;
        System.setOut(new PrintStream(new Tee(originalOut, output), true, StandardCharsets.UTF_8));
        ObjectNode config = Http.JSON.createObjectNode().put("sessionExpirySec", 600);
        config.putObject("credentials").putArray("keys").add(KEY);
        config.putObject("repository").put("type", "memory");
        war = ConfiguredWar.deploy(new TomcatContainer(), "/audit", config);
        http = war.http();
    }

    @AfterAll
    void undeploy() throws Exception {
        try {
            if (war != null) {
                war.close();
            }
        } finally {
            System.setOut(originalOut);
        }
    }

    @Test
    void eachEventIsOneJsonLineAndNoSecretReachesTheLog() throws Exception {
        String user = uniqueUser();
        String stateToken = uniqueToken();
        ok(http.post("", json("AccountId", user, "xSessionToken", stateToken), "x-key", KEY));
        String userToken = userSuccess(http.post("create", json("user_id", user), "x-key", KEY,
                "X-Forwarded-For", "203.0.113.9")).get("token").asText();
        assertEquals(403, http.patch("", json("AccountId", "someone-else"), "x-session-token", stateToken).status());
        String wrongKey = "wrong-key-" + KEY;
        assertEquals(401, http.post("", "{}", "x-key", wrongKey).status());
        assertEquals(401, http.get("sessions?user_id=" + user).status());
        assertTrue(ok(http.delete("", "x-session-token", stateToken)).get("Deleted").asBoolean());
        assertEquals(1, userSuccess(http.delete("sessions?user_id=" + user, "x-key", KEY)).asInt());

        List<JsonNode> lines = auditLines();
        assertEquals(List.of("create", "create", "owner-change-refused", "key-refused", "key-refused", "delete",
                "logout-everywhere"), lines.stream().map(l -> l.get("operation").asText()).toList(), lines::toString);
        for (JsonNode line : lines) {
            assertTrue(line.get("time").asText().matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"), line::toString);
            assertEquals("127.0.0.1", line.get("client").asText(), line::toString);
        }
        assertEquals(user, lines.get(0).get("userId").asText());
        assertEquals(fingerprint(stateToken), lines.get(0).get("tokenFingerprint").asText());
        assertEquals(fingerprint(userToken), lines.get(1).get("tokenFingerprint").asText());
        assertEquals("203.0.113.9", lines.get(1).get("forwardedFor").asText());
        assertEquals(user, lines.get(2).get("userId").asText(), "the refused change names the owner it protected");
        assertEquals(fingerprint(stateToken), lines.get(2).get("tokenFingerprint").asText());
        assertEquals("wrong", lines.get(3).get("reason").asText());
        assertEquals("POST /audit/", lines.get(3).get("request").asText());
        assertEquals("missing", lines.get(4).get("reason").asText());
        assertEquals(fingerprint(stateToken), lines.get(5).get("tokenFingerprint").asText());
        assertEquals(user, lines.get(6).get("userId").asText());
        assertEquals(1, lines.get(6).get("count").asInt());

        String all = output.toString(StandardCharsets.UTF_8);
        for (String secret : List.of(stateToken, userToken, KEY, wrongKey)) {
            for (int i = 0; i + 12 <= secret.length(); i += 6) {
                String piece = secret.substring(i, i + 12);
                assertFalse(all.contains(piece), "a piece of a token or key in the log: " + piece);
            }
        }
    }

    private List<JsonNode> auditLines() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.toString(StandardCharsets.UTF_8).split("\n")) {
            int at = line.indexOf(LOGGER + " - ");
            if (at >= 0) {
                lines.add(Http.parse(line.substring(at + LOGGER.length() + 3).trim()));
            }
        }
        return lines;
    }

    private static String fingerprint(String token) throws Exception {
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha).substring(0, 12);
    }

    /** Writes to both streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
