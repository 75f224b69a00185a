package io.sessionservice.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.sessionservice.core.Json;
import io.sessionservice.core.Tokens;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The audit log's lines, captured from its logger: one JSON object per event, tokens as fingerprints only. */
class AuditLogTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05.678Z"), ZoneOffset.UTC);
    private static final AuditLog.Client CLIENT = new AuditLog.Client("192.0.2.7", null);

    private final Logger logger = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();

    @BeforeEach
    void capture() {
        captured.start();
        logger.addAppender(captured);
    }

    @AfterEach
    void release() {
        logger.detachAppender(captured);
    }

    @Test
    void eachEventIsOneJsonLineWithTimeOperationUserFingerprintAndClient() throws Exception {
        String token = Tokens.issue();
        String newToken = Tokens.issue();
        AuditLog audit = new AuditLog(true, CLOCK);
        audit.created(CLIENT, "alice", token);
        audit.deleted(CLIENT, token);
        audit.loggedOutEverywhere(CLIENT, "alice", 3);
        audit.rotated(CLIENT, "alice", token, newToken);
        audit.ownerChangeRefused(CLIENT, "alice", token);
        audit.keyRefused(new AuditLog.Client("192.0.2.8", "203.0.113.9, 10.0.0.1"), false, "POST /create");

        List<JsonNode> lines = lines();
        assertEquals(List.of("create", "delete", "logout-everywhere", "rotate", "owner-change-refused", "key-refused"),
                lines.stream().map(l -> l.get("operation").asText()).toList());
        String fingerprint = Tokens.fingerprintHex(token, 12);
        for (JsonNode line : lines) {
            assertEquals("2026-01-02T03:04:05.678Z", line.get("time").asText());
            assertTrue(line.has("userId") && line.has("tokenFingerprint") && line.has("client"), line::toString);
        }
        assertEquals("alice", lines.get(0).get("userId").asText());
        assertEquals(fingerprint, lines.get(0).get("tokenFingerprint").asText());
        assertEquals("192.0.2.7", lines.get(0).get("client").asText());
        assertTrue(lines.get(1).get("userId").isNull(), "a delete by token does not read the owner");
        assertEquals(3, lines.get(2).get("count").asInt());
        assertTrue(lines.get(2).get("tokenFingerprint").isNull());
        assertEquals(Tokens.fingerprintHex(newToken, 12), lines.get(3).get("newTokenFingerprint").asText());
        assertEquals(fingerprint, lines.get(4).get("tokenFingerprint").asText());
        JsonNode refused = lines.get(5);
        assertEquals("wrong", refused.get("reason").asText());
        assertEquals("POST /create", refused.get("request").asText());
        assertEquals("192.0.2.8", refused.get("client").asText());
        assertEquals("203.0.113.9, 10.0.0.1", refused.get("forwardedFor").asText());

        String all = captured.list.stream().map(ILoggingEvent::getFormattedMessage).reduce("", String::concat);
        for (String secret : List.of(token, newToken)) {
            assertFalse(all.contains(secret));
            assertFalse(all.contains(secret.substring(0, 12)), "no token substring either");
        }
    }

    @Test
    void aUserIdCannotForgeALine() throws Exception {
        new AuditLog(true, CLOCK).created(CLIENT, "mallory\n{\"operation\":\"delete\"}", Tokens.issue());
        assertEquals(1, captured.list.size());
        String message = captured.list.get(0).getFormattedMessage();
        assertFalse(message.contains("\n"), message);
        assertEquals("create", Json.MAPPER.readTree(message).get("operation").asText());
    }

    @Test
    void disabledWritesNothing() {
        AuditLog off = new AuditLog(false, CLOCK);
        off.created(CLIENT, "alice", Tokens.issue());
        off.keyRefused(CLIENT, true, "POST /");
        assertFalse(off.active());
        assertTrue(captured.list.isEmpty());
    }

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (ILoggingEvent e : captured.list) {
            assertEquals(AuditLog.LOGGER, e.getLoggerName());
            lines.add(Json.MAPPER.readTree(e.getFormattedMessage()));
        }
        return lines;
    }
}
