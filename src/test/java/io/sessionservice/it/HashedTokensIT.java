package io.sessionservice.it;

import static io.sessionservice.it.HttpApiSupport.dataOf;
import static io.sessionservice.it.HttpApiSupport.json;
import static io.sessionservice.it.HttpApiSupport.ok;
import static io.sessionservice.it.HttpApiSupport.tokenOf;
import static io.sessionservice.it.HttpApiSupport.uniqueToken;
import static io.sessionservice.it.HttpApiSupport.uniqueUser;
import static io.sessionservice.it.HttpApiSupport.userSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * {@code tokens.atRest: hashed} over HTTP, on the shared Redis under a prefix of its own: both APIs
 * work as before, except that the sessions read by user id ({@code GET /session}, {@code GET /sessions})
 * come without {@code token}; and nothing under the prefix holds a token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HashedTokensIT {

    private static final String KEY = "it-key-hashed-0123456789abcdef";
    private static final Set<String> USER_FIELDS_WITHOUT_TOKEN = Set.of("user_id", "ttl", "created_at", "expired_at");

    private final String prefix = "it-hashed-" + UUID.randomUUID() + ":";
    private ConfiguredWar war;
    private Http http;

    @BeforeAll
    void deploy() throws Exception {
        ObjectNode config = Http.JSON.createObjectNode().put("sessionExpirySec", 600);
        config.putObject("credentials").putArray("keys").add(KEY);
        config.putObject("tokens").put("atRest", "hashed");
        config.putObject("repository").put("type", "redis").putObject("redis")
                .put("url", "redis://127.0.0.1:6379").put("keyPrefix", prefix);
        war = ConfiguredWar.deploy(new TomcatContainer(), "/hashed", config);
        http = war.http();
    }

    @AfterAll
    void undeploy() throws Exception {
        if (war != null) {
            war.close();
        }
    }

    @Test
    void bothApisWorkAndSessionsReadByUserComeWithoutToken() {
        String user = uniqueUser();
        String supplied = uniqueToken();
        JsonNode created = ok(http.post("", json("AccountId", user, "xSessionToken", supplied, "n", 1), "x-key", KEY));
        assertEquals(supplied, tokenOf(created));
        assertEquals(supplied, tokenOf(ok(http.get("", "x-session-token", supplied))));
        assertEquals(2, dataOf(ok(http.patch("", json("n", 2), "x-session-token", supplied))).get("n").asInt());
        assertEquals(3, dataOf(ok(http.put("", json("AccountId", user, "n", 3), "x-session-token", supplied)))
                .get("n").asInt());
        assertTrue(ok(http.get("validate", "x-session-token", supplied)).get("IsValid").asBoolean());

        JsonNode issued = userSuccess(http.post("create", json("user_id", user, "ttl", "1h"), "x-key", KEY));
        String issuedToken = issued.get("token").asText(); // a creation answers the token: the caller needs it
        assertEquals("true", userSuccess(http.post("verify", json("user_id", user, "token", issuedToken), "x-key", KEY))
                .asText());
        assertEquals("true", userSuccess(http.post("verify", json("user_id", user, "token", supplied), "x-key", KEY))
                .asText());

        JsonNode latest = userSuccess(http.get("session?user_id=" + user, "x-key", KEY));
        assertEquals(USER_FIELDS_WITHOUT_TOKEN, fields(latest), latest::toString);
        assertEquals(user, latest.get("user_id").asText());
        JsonNode page = ok(http.get("sessions?user_id=" + user + "&limit=1", "x-key", KEY));
        JsonNode list = page.get("message");
        assertEquals(1, list.size());
        assertEquals(USER_FIELDS_WITHOUT_TOKEN, fields(list.get(0)), list::toString);
        JsonNode second = userSuccess(http.get("sessions?user_id=" + user + "&limit=1&cursor=" + page.get("cursor").asText(),
                "x-key", KEY));
        assertEquals(1, second.size(), "the cursor pages through sessions known by digest");
        assertEquals(USER_FIELDS_WITHOUT_TOKEN, fields(second.get(0)));

        String raw = redisContent();
        assertTrue(raw.contains(user), "the keys of this test were read: " + raw);
        assertFalse(raw.contains(supplied), raw);
        assertFalse(raw.contains(issuedToken), raw);

        assertTrue(ok(http.delete("", "x-session-token", supplied)).get("Deleted").asBoolean());
        assertEquals(401, http.get("", "x-session-token", supplied).status());
        assertEquals(1, userSuccess(http.delete("sessions?user_id=" + user, "x-key", KEY)).asInt());
        assertEquals(401, http.get("validate", "x-session-token", issuedToken).status());
    }

    private static Set<String> fields(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return Set.copyOf(names);
    }

    /** Every key under this test's prefix with its value. */
    private String redisContent() {
        StringBuilder raw = new StringBuilder();
        try (RedisClient c = RedisClient.create("127.0.0.1", 6379)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> scan = c.scan(cursor, new ScanParams().match(prefix + "*").count(1000));
                for (String key : scan.getResult()) {
                    raw.append(key).append(" = ").append(switch (c.type(key)) {
                        case "hash" -> c.hgetAll(key).toString();
                        case "zset" -> c.zrange(key, 0, -1).toString();
                        default -> c.type(key);
                    }).append('\n');
                }
                cursor = scan.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return raw.toString();
    }
}
