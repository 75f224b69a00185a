package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The operator's path, end to end, in a real Tomcat 10.1 distribution (unpacked by the build from
 * org.apache.tomcat:tomcat:zip): a CATALINA_BASE with tomcat-conf/context.xml and tomcat-conf/setenv.sh
 * as shipped, the WAR in webapps/, and a second webapp protected by SessionAuthFilter (remote mode,
 * jars in its WEB-INF/lib). Started with catalina.sh, driven over HTTP, and its logs searched for
 * the key and the tokens, which must never be there.
 */
class TomcatDistributionIT {

    /** The key tomcat-conf/setenv.sh exports: the test uses the file as shipped. */
    private static final String SETENV_KEY = "replace-with-a-long-random-key";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void tomcatWithTomcatConfServesTheApiAndProtectsAnotherWebapp(@TempDir Path base) throws Exception {
        Path home = Path.of(System.getProperty("tomcat.home", "target/tomcat-distribution/apache-tomcat-10.1.59"));
        assertTrue(Files.isRegularFile(home.resolve("bin/catalina.sh")), "no Tomcat distribution at " + home);
        int port = EmbeddedContainer.freePort();
        Path repo = Path.of("").toAbsolutePath();

        // CATALINA_BASE: conf from the distribution with the port changed, the rest from tomcat-conf/.
        copyTree(home.resolve("conf"), base.resolve("conf"));
        Path serverXml = base.resolve("conf/server.xml");
        Files.writeString(serverXml, Files.readString(serverXml)
                .replace("<Server port=\"8005\"", "<Server port=\"-1\"")
                .replace("<Connector port=\"8080\"", "<Connector address=\"127.0.0.1\" port=\"" + port + "\""));
        for (String dir : List.of("logs", "temp", "work", "webapps", "bin", "conf/Catalina/localhost")) {
            Files.createDirectories(base.resolve(dir));
        }
        Path config = base.resolve("session-config.json");
        Files.copy(repo.resolve("config/default.json"), config); // no key in it: setenv.sh provides SESSION_KEY
        Files.writeString(base.resolve("conf/Catalina/localhost/sessions.xml"),
                Files.readString(repo.resolve("tomcat-conf/context.xml"))
                        .replace("/etc/session-service/config.json", config.toString()));
        Files.copy(repo.resolve("tomcat-conf/setenv.sh"), base.resolve("bin/setenv.sh"));
        Files.copy(EmbeddedContainer.builtWar(), base.resolve("webapps/sessions.war"));
        String service = "http://127.0.0.1:" + port + "/sessions/";
        new ProtectedWebapp()
                .param("mode", "remote")
                .param("serviceUrl", service)
                .param("cookieName", "sid")
                .param("excludePaths", "/public")
                .withFilterJarsInWebInfLib()
                .writeTo(base.resolve("webapps"), "protected");

        Path out = base.resolve("logs/console.log");
        ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("bin/catalina.sh").toString(), "run")
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("CATALINA_HOME", home.toString());
        pb.environment().put("CATALINA_BASE", base.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        for (String v : List.of("SESSION_CONFIG", "SESSION_KEY", "SESSION_STORE", "JAVA_OPTS", "CATALINA_OPTS")) {
            pb.environment().remove(v);
        }
        Process tomcat = pb.start();
        List<String> secrets = new ArrayList<>(List.of(SETENV_KEY));
        try {
            awaitHealthy(service + "health", tomcat, out);

            // The service, configured by context.xml (config file) and setenv.sh (key, store).
            JsonNode created = send("POST", service, "x-key", SETENV_KEY, "{\"AccountId\":\"ops-user\"}", 200);
            String token = created.get("xSessionToken").asText();
            secrets.add(token);
            assertEquals("ops-user", send("GET", service, "x-session-token", token, null, 200).get("AccountId").asText());
            assertTrue(send("GET", service + "validate", "x-session-token", token, null, 200).get("IsValid").asBoolean());
            send("POST", service, "x-key", "wrong-key", "{}", 401);
            JsonNode user = send("POST", service + "create", "x-key", SETENV_KEY, "{\"user_id\":\"u-7\",\"ttl\":\"1h\"}", 200);
            String userToken = user.get("message").get("token").asText();
            secrets.add(userToken);
            assertEquals("true", send("POST", service + "verify", "x-key", SETENV_KEY,
                    "{\"user_id\":\"u-7\",\"token\":\"" + userToken + "\"}", 200).get("message").asText());

            // The protected webapp: SessionAuthFilter from its WEB-INF/lib, asking the service.
            String app = "http://127.0.0.1:" + port + "/protected/";
            JsonNode refused = send("GET", app + "page", null, null, null, 401);
            assertEquals("UnauthorizedError", refused.get("code").asText());
            JsonNode admitted = send("GET", app + "page", "x-session-token", token, null, 200);
            assertEquals("ops-user", admitted.get("remoteUser").asText());
            assertEquals("ops-user", admitted.get("principal").asText());
            assertEquals("ops-user", admitted.get("attributeUser").asText());
            assertEquals("webapp", admitted.get("filterLoader").asText());
            assertEquals("u-7", send("GET", app + "page", "Cookie", "sid=" + userToken, null, 200).get("remoteUser").asText());
            assertFalse(send("GET", app + "public/info", null, null, null, 200).get("hasSession").asBoolean());
            send("GET", app + "page", "x-session-token", "unknown-token-0123456789", null, 401);

            assertTrue(send("DELETE", service, "x-session-token", token, null, 200).get("Deleted").asBoolean());
            send("GET", app + "page", "x-session-token", token, null, 401);
        } finally {
            tomcat.destroy(); // SIGTERM: Tomcat's shutdown hook stops it cleanly
            if (!tomcat.waitFor(30, TimeUnit.SECONDS)) {
                tomcat.destroyForcibly();
            }
        }
        // Nothing Tomcat or the webapps logged may contain the key or a token.
        try (Stream<Path> logs = Files.walk(base.resolve("logs"))) {
            for (Path log : logs.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(log);
                for (String secret : secrets) {
                    assertFalse(text.contains(secret), log.getFileName() + " contains a secret");
                }
            }
        }
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

    private void awaitHealthy(String url, Process tomcat, Path out) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!tomcat.isAlive()) {
                throw new AssertionError("Tomcat exited: " + Files.readString(out));
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
        throw new AssertionError("Tomcat did not serve " + url + " within 120 s: " + Files.readString(out));
    }

    private static void copyTree(Path from, Path to) throws IOException {
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
