package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.it.Http.Reply;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Undeploying the service ends every thread it started, on every store: no thread is left whose context
 * class loader or class is the webapp's (the threads Tomcat names in "appears to have started a thread …
 * but has failed to stop it"; such a thread keeps the whole webapp loaded after a redeploy). In Jetty,
 * which stops nothing a webapp leaves behind. {@link MemoryStoreRedeployIT} goes further for the memory store
 * (ten cycles, the class loaders collected).
 */
class StoreThreadsEndOnUndeployIT {

    private static final String KEY = "it-key-undeploy-0123456789abcdef";

    static Stream<Arguments> stores() {
        return Stream.of(Arguments.of("memory", ItStores.memory()), Arguments.of("redis", ItStores.sharedRedis("it-undeploy")),
                Arguments.of("postgres", ItStores.postgres("it_undeploy_pg")), Arguments.of("h2", ItStores.h2File("it_undeploy_h2")),
                Arguments.of("mongodb", ItStores.mongo(2000)), Arguments.of("couchbase", ItStores.couchbase(2000)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void noThreadOfTheWebappOutlivesItsUndeploy(String name, ItStore store) throws Exception {
        store.start();
        Path configFile = Files.createTempFile("session-it-undeploy-", ".json");
        try {
            ObjectNode config = Http.JSON.createObjectNode().put("sessionExpirySec", 3600);
            config.putObject("credentials").putArray("keys").add(KEY);
            config.set("repository", Http.parse(store.repositoryJson()));
            Files.writeString(configFile, Http.JSON.writeValueAsString(config));
            ClassLoader webapp;
            try (EmbeddedContainer container = new JettyContainer()) {
                URI base = container.deploy(EmbeddedContainer.builtWar(), "/service",
                        Map.of(EmbeddedContainer.CONFIG_PARAMETER, configFile.toString()));
                use(new Http(base));
                webapp = container.webappClassLoader("/service");
            }
            ClassLoader undeployed = webapp;
            assertTrue(waitFor(() -> threadsOf(undeployed).isEmpty()),
                    () -> name + ": threads of the undeployed webapp still run: " + threadsOf(undeployed));
        } finally {
            Files.deleteIfExists(configFile);
            store.stop();
        }
    }

    /** Both APIs, reads and writes, so every client library's threads and schedulers are in use. */
    private static void use(Http http) {
        String token = ok(http.post("", "{\"AccountId\":\"u\"}", "x-key", KEY, "x-ttl", "600")).json()
                .get("xSessionToken").asText();
        ok(http.patch("", "{\"n\":1}", "x-session-token", token));
        ok(http.get("validate", "x-session-token", token));
        ok(http.post("create", "{\"user_id\":\"u\",\"ttl\":\"1h\"}", "x-key", KEY));
        ok(http.get("sessions?user_id=u&limit=1", "x-key", KEY));
        ok(http.delete("", "x-session-token", token));
        ok(http.get("health"));
    }

    private static Reply ok(Reply r) {
        assertEquals(200, r.status(), r::toString);
        return r;
    }

    private static List<String> threadsOf(ClassLoader webapp) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && (t.getContextClassLoader() == webapp || t.getClass().getClassLoader() == webapp))
                .map(Thread::getName).sorted().toList();
    }

    /** Polls for up to 20 s, collecting garbage between looks (a cleaner thread ends once its object is gone). */
    private static boolean waitFor(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            System.gc();
            Thread.sleep(500);
        }
        return true;
    }
}
