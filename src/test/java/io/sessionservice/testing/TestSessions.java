package io.sessionservice.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Json;
import io.sessionservice.core.Session;
import java.util.List;
import java.util.UUID;

/** Small makers of test data shared by the store suites. */
public final class TestSessions {

    private TestSessions() {
    }

    /** A user id no other test uses, so a shared backend needs no cleanup. */
    public static String newUser() {
        return "user-" + UUID.randomUUID();
    }

    public static ObjectNode parse(String text) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static List<String> tokens(List<Session> sessions) {
        return sessions.stream().map(Session::token).toList();
    }
}
