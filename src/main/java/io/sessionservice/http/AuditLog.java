package io.sessionservice.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Json;
import io.sessionservice.core.Timestamps;
import io.sessionservice.core.Tokens;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one JSON line on the logger {@value #LOGGER} per security-relevant event (a
 * session created, deleted, rotated, a user logged out everywhere, an ownership change or an
 * {@code x-key} refused). A line names the token only by {@link #fingerprint} and never holds a key.
 * Off with {@code audit.enabled: false} (or the logger's level).
 */
public final class AuditLog {

    public static final String LOGGER = "io.sessionservice.audit";
    /** Hex digits of a token's SHA-256 in a line: enough to correlate, far too few to find the token. */
    static final int FINGERPRINT_HEX_DIGITS = 12;
    /** X-Forwarded-For is client-supplied text: kept only this long. */
    static final int MAX_FORWARDED_FOR = 200;

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    /**
     * Who sent the request: {@code address} the TCP peer as the container reports it (a proxy's own
     * address unless the container is told to trust the proxy), {@code forwardedFor} the request's
     * X-Forwarded-For as sent (unverified, for correlation only), or null.
     */
    public record Client(String address, String forwardedFor) {

        public static Client of(HttpServletRequest request) {
            String forwarded = request.getHeader("X-Forwarded-For");
            if (forwarded != null && forwarded.length() > MAX_FORWARDED_FOR) {
                forwarded = forwarded.substring(0, MAX_FORWARDED_FOR);
            }
            return new Client(request.getRemoteAddr(), forwarded);
        }
    }

    private final boolean enabled;
    private final Clock clock;

    public AuditLog(boolean enabled, Clock clock) {
        this.enabled = enabled;
        this.clock = clock;
    }

    /** A session created (state POST / or user POST /create), under {@code token}. */
    public void created(Client client, String userId, String token) {
        if (!active()) {
            return;
        }
        write(line("create", client, userId, token));
    }

    /** DELETE /: the session ended. Its owner is unknown here: the store ends it without reading it first. */
    public void deleted(Client client, String token) {
        if (!active()) {
            return;
        }
        write(line("delete", client, null, token));
    }

    /** DELETE /sessions: every live session of the user ended. */
    public void loggedOutEverywhere(Client client, String userId, int ended) {
        if (!active()) {
            return;
        }
        ObjectNode line = line("logout-everywhere", client, userId, null);
        write(line.put("count", ended));
    }

    /** POST /rotate: the session moved from {@code oldToken} to {@code newToken}. */
    public void rotated(Client client, String userId, String oldToken, String newToken) {
        if (!active()) {
            return;
        }
        ObjectNode line = line("rotate", client, userId, oldToken);
        write(line.put("newTokenFingerprint", fingerprint(newToken)));
    }

    /** A token-only PUT/PATCH that would have changed or removed the owner, refused (403). */
    public void ownerChangeRefused(Client client, String userId, String token) {
        if (!active()) {
            return;
        }
        write(line("owner-change-refused", client, userId, token));
    }

    /** An x-key missing or wrong where one is required (401); {@code request} is "METHOD /path". */
    public void keyRefused(Client client, boolean missing, String request) {
        if (!active()) {
            return;
        }
        ObjectNode line = line("key-refused", client, null, null);
        write(line.put("reason", missing ? "missing" : "wrong").put("request", request));
    }

    /** The first {@value #FINGERPRINT_HEX_DIGITS} hex digits of the token's SHA-256; null for none. */
    static String fingerprint(String token) {
        return token == null || token.isEmpty() ? null : Tokens.fingerprintHex(token, FINGERPRINT_HEX_DIGITS);
    }

    private ObjectNode line(String operation, Client client, String userId, String token) {
        ObjectNode line = JsonNodeFactory.instance.objectNode()
                .put("time", Timestamps.format(clock.instant()))
                .put("operation", operation)
                .put("userId", userId)
                .put("tokenFingerprint", fingerprint(token))
                .put("client", client.address());
        if (client.forwardedFor() != null) {
            line.put("forwardedFor", client.forwardedFor());
        }
        return line;
    }

    /** Whether lines are written: checked first, so a disabled audit costs no digest. */
    public boolean active() {
        return enabled && LOG.isInfoEnabled();
    }

    private static void write(ObjectNode line) {
        try {
            LOG.info(Json.MAPPER.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ObjectNode of strings always serialises", e);
        }
    }
}
