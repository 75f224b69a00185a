package io.sessionservice.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Session;
import io.sessionservice.core.Timestamps;
import io.sessionservice.protocol.StateFields;

/** How each dialect shows a session. */
final class Representations {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Representations() {
    }

    /** State API: the data fields, then xSessionToken, Expires, Ttl. */
    static ObjectNode state(Session s) {
        ObjectNode body = s.data().deepCopy();
        body.put(StateFields.TOKEN, s.token());
        body.put(StateFields.EXPIRES, Timestamps.format(s.expiresAt()));
        body.put(StateFields.TTL, s.ttlSeconds());
        return body;
    }

    static ObjectNode validation(Session s) {
        return NODES.objectNode()
                .put(StateFields.IS_VALID, true)
                .put(StateFields.EXPIRES, Timestamps.format(s.expiresAt()))
                .put(StateFields.TTL, s.ttlSeconds());
    }

    /** User-session API: {user_id, token, ttl, created_at, expired_at}. */
    static ObjectNode user(Session s) {
        return user(s, true);
    }

    /**
     * User-session API, {@code withToken} false for a session read by user id from a store that keeps
     * only the token's digest (tokens.atRest hashed): {user_id, ttl, created_at, expired_at}.
     */
    static ObjectNode user(Session s, boolean withToken) {
        ObjectNode body = NODES.objectNode();
        if (s.userId() == null) {
            body.putNull("user_id");
        } else {
            body.put("user_id", s.userId());
        }
        if (withToken) {
            body.put("token", s.token());
        }
        return body.put("ttl", s.ttlSeconds())
                .put("created_at", Timestamps.format(s.createdAt()))
                .put("expired_at", Timestamps.format(s.expiresAt()));
    }

    /**
     * {@link #user} plus {@code sliding} and the session's {@code data} (GET /sessions?include=data, for the
     * sessions console: data fields as stored, so the owner and any server-managed fields show too).
     */
    static ObjectNode userWithData(Session s, boolean withToken) {
        ObjectNode body = user(s, withToken).put("sliding", s.sliding());
        body.set("data", s.data());
        return body;
    }

    static ObjectNode success(JsonNode message) {
        ObjectNode body = NODES.objectNode().put("success", true);
        body.set("message", message);
        return body;
    }
}
