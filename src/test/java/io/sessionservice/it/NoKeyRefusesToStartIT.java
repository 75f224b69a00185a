package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.sessionservice.it.Http.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC §7: a WAR started with no key configured refuses to start. The container keeps running, but the
 * webapp is failed (Tomcat: the Context went to FAILED; Jetty: the WebAppContext is unavailable) and no
 * request reaches the service.
 */
class NoKeyRefusesToStartIT {

    private static final String NO_CREDENTIALS = """
            {"sessionExpirySec":3600,"maxTtlSec":2592000,"maxBodyBytes":65536,
             "userApi":{"requireKey":true},"repository":{"type":"memory","timeoutMs":2000}}""";
    private static final String BLANK_KEYS = """
            {"sessionExpirySec":3600,"maxTtlSec":2592000,"maxBodyBytes":65536,
             "credentials":{"key":"   ","keys":["", " "]},
             "userApi":{"requireKey":true},"repository":{"type":"memory","timeoutMs":2000}}""";

    static Stream<Arguments> deployments() {
        Supplier<EmbeddedContainer> tomcat = TomcatContainer::new;
        Supplier<EmbeddedContainer> jetty = JettyContainer::new;
        return Stream.of(arguments("Tomcat, no credentials", tomcat, NO_CREDENTIALS, "FAILED"),
                arguments("Tomcat, blank keys", tomcat, BLANK_KEYS, "FAILED"),
                arguments("Jetty, no credentials", jetty, NO_CREDENTIALS, "UNAVAILABLE"),
                arguments("Jetty, blank keys", jetty, BLANK_KEYS, "UNAVAILABLE"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("deployments")
    void webappWithoutAKeyRefusesToStart(String name, Supplier<EmbeddedContainer> containers, String config,
                                         String expectedState, @TempDir Path dir) throws Exception {
        Path configFile = Files.writeString(dir.resolve("no-key.json"), config);
        try (EmbeddedContainer container = containers.get()) {
            DeploymentFailedException failure = assertThrows(DeploymentFailedException.class,
                    () -> container.deploy(EmbeddedContainer.builtWar(), "/session-service",
                            Map.of(EmbeddedContainer.CONFIG_PARAMETER, configFile.toString())));
            assertEquals(expectedState, failure.state(), failure::getMessage);
            if (failure.getCause() != null) { // Jetty keeps the webapp's exception: the message must be clear
                assertTrue(failure.getCause().getMessage().contains("x-key"), failure.getCause()::getMessage);
            }

            Http http = new Http(failure.baseUri());
            for (Reply r : List.of(http.get("health"), http.post("", "{}", "x-key", "anything"),
                    http.post("create", "{\"user_id\":\"u\"}"), http.get("validate", "x-session-token", "t"))) {
                assertTrue(r.status() == 404 || r.status() == 503, () -> "not served by the service: " + r);
                assertFalse(r.body().contains("xSessionToken") || r.body().contains("\"status\":\"UP\""), r::toString);
            }
        }
    }
}
