package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionservice.testing.FreePorts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's path, end to end, in a real container distribution unpacked by the build: the
 * subclass lays out a server base the way the README's "Deploy to …" steps say, with the WAR at
 * /sessions and a webapp at /protected guarded by SessionAuthFilter (remote mode); this class starts
 * it as a separate process, drives both over HTTP, and then searches everything the server logged
 * for the key and the tokens, which must never be there.
 */
abstract class AbstractDistributionIT {

    protected static final Path REPO = Path.of("").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Lays out the server base in {@code base} serving 127.0.0.1:{@code port}; returns the start command. */
    protected abstract ProcessBuilder prepare(Path base, int port) throws Exception;

    /** The x-key the prepared server accepts. */
    protected abstract String key();

    /** Where the protected webapp's filter class comes from: "webapp" (WEB-INF/lib) or "shared". */
    protected abstract String expectedFilterLoader();

    /** The protected webapp every distribution test deploys, asking the service at {@code serviceUrl}. */
    protected static ProtectedWebapp protectedWebapp(String serviceUrl) {
        return new ProtectedWebapp()
                .param("mode", "remote")
                .param("serviceUrl", serviceUrl)
                .param("cookieName", "sid")
                .param("excludePaths", "/public");
    }

    @Test
    void servesTheApiAndProtectsAnotherWebapp(@TempDir Path base) throws Exception {
        int port = FreePorts.freePort();
        Files.createDirectories(base.resolve("logs"));
        Path out = base.resolve("logs/console.log");
        ProcessBuilder pb = prepare(base, port).redirectErrorStream(true).redirectOutput(out.toFile());
        for (String v : List.of("SESSION_CONFIG", "SESSION_STORE", "JAVA_OPTS", "CATALINA_OPTS", "JAVA_TOOL_OPTIONS")) {
            pb.environment().remove(v);
        }
        Process server = pb.start();
        List<String> secrets = new ArrayList<>(List.of(key()));
        try {
            String service = "http://127.0.0.1:" + port + "/sessions/";
            awaitHealthy(service + "health", server, out);
            secrets.addAll(driveServiceAndProtectedWebapp(service, "http://127.0.0.1:" + port + "/protected/"));
            assertFirewallAndContainerErrors(URI.create(service), URI.create("http://127.0.0.1:" + port + "/protected/"));
        } finally {
            server.destroy(); // SIGTERM: both servers stop cleanly on their shutdown hooks
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        try (Stream<Path> logs = Files.walk(base.resolve("logs"))) {
            for (Path log : logs.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(log);
                for (String secret : secrets) {
                    assertFalse(text.contains(secret), log.getFileName() + " contains a secret");
                }
            }
        }
    }

    /** @return the tokens it made, which the logs must not contain */
    private List<String> driveServiceAndProtectedWebapp(String service, String app) throws Exception {
        String key = key();
        JsonNode created = send("POST", service, "x-key", key, "{\"AccountId\":\"ops-user\"}", 200);
        String token = created.get("xSessionToken").asText();
        assertEquals("ops-user", send("GET", service, "x-session-token", token, null, 200).get("AccountId").asText());
        assertTrue(send("GET", service + "validate", "x-session-token", token, null, 200).get("IsValid").asBoolean());
        send("POST", service, "x-key", "wrong-key", "{}", 401);
        JsonNode user = send("POST", service + "create", "x-key", key, "{\"user_id\":\"u-7\",\"ttl\":\"1h\"}", 200);
        String userToken = user.get("message").get("token").asText();
        assertEquals("true", send("POST", service + "verify", "x-key", key,
                "{\"user_id\":\"u-7\",\"token\":\"" + userToken + "\"}", 200).get("message").asText());

        assertEquals("UnauthorizedError", send("GET", app + "page", null, null, null, 401).get("code").asText());
        JsonNode admitted = send("GET", app + "page", "x-session-token", token, null, 200);
        assertEquals("ops-user", admitted.get("remoteUser").asText());
        assertEquals("ops-user", admitted.get("principal").asText());
        assertEquals("ops-user", admitted.get("attributeUser").asText());
        assertEquals(expectedFilterLoader(), admitted.get("filterLoader").asText());
        assertEquals("u-7", send("GET", app + "page", "Cookie", "sid=" + userToken, null, 200).get("remoteUser").asText());
        assertFalse(send("GET", app + "public/info", null, null, null, 200).get("hasSession").asBoolean());
        send("GET", app + "page", "x-session-token", "unknown-token-0123456789", null, 401);

        assertTrue(send("DELETE", service, "x-session-token", token, null, 200).get("Deleted").asBoolean());
        send("GET", app + "page", "x-session-token", token, null, 401);
        return List.of(token, userToken);
    }

    /** SPEC §5 as shipped: odd paths are 400 in the service and the filter; the container's own errors are JSON. */
    private static void assertFirewallAndContainerErrors(URI service, URI app) {
        for (URI webapp : List.of(service, app)) {
            for (String raw : List.of("x/../health", "x/%2e%2e/health", "public/..;/page", "public//x")) {
                JsonNode body = RawHttp.assertJsonError(RawHttp.get(webapp, webapp.getPath() + raw), 400);
                assertTrue(body.has("code") ? body.get("code").asText().equals("BadRequestError")
                        : body.path("status").asInt() == 400, () -> webapp + raw + ": " + body);
            }
            RawHttp.assertContainerErrorsAreJson(webapp);
        }
        RawHttp.assertContainerErrorsAreJson(service.resolve("/no-such-webapp/"));
    }

    private JsonNode send(String method, String url, String header, String value, String body, int expected)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (header != null) {
            b.header(header, value);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, r.statusCode(), method + " " + url + " answered " + r.body());
        return JSON.readTree(r.body());
    }

    private void awaitHealthy(String url, Process server, Path out) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new AssertionError("the server exited: " + Files.readString(out));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("nothing served " + url + " within 120 s: " + Files.readString(out));
    }

    protected static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t);
                }
            }
        }
    }
}
