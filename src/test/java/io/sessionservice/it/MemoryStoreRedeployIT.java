package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.it.Http.Reply;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Undeploying the service (memory store) leaves nothing behind: after each undeploy no
 * {@code memory-session-store-expiry} thread runs, and after ten deploy/undeploy cycles the old webapps'
 * class loaders can be collected (a thread, JVM-wide registry or shutdown hook that kept one would keep
 * every class of the webapp: Jersey, Jackson, Micrometer, Caffeine, logback).
 *
 * <p>Each cycle uses the service as a client would (sessions with pending expiries, errors, metrics), so
 * the store's thread and every library's caches are in use when the webapp goes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemoryStoreRedeployIT {

    private static final String KEY = "it-key-redeploy-0123456789abcdef";
    private static final String EXPIRY_THREAD = "memory-session-store-expiry";
    private static final int CYCLES = 10;

    private Path configFile;

    @BeforeAll
    void writeConfig() throws Exception {
        ObjectNode config = Http.JSON.createObjectNode().put("sessionExpirySec", 3600);
        config.putObject("credentials").putArray("keys").add(KEY);
        config.putObject("repository").put("type", "memory");
        configFile = Files.createTempFile("session-it-redeploy-", ".json");
        Files.writeString(configFile, Http.JSON.writeValueAsString(config));
    }

    @AfterAll
    void deleteConfig() throws Exception {
        Files.deleteIfExists(configFile);
    }

    /** In Jetty, which (unlike Tomcat) clears nothing a webapp leaves behind, so every leak shows. */
    @Test
    void undeployedWebappsCanBeCollected() throws Exception {
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        for (int i = 0; i < CYCLES; i++) {
            loaders.add(onAThreadOfItsOwn(() -> deployUseAndUndeploy(new JettyContainer())));
            assertTrue(waitFor(() -> !expiryThreadRuns()), "cycle " + i + ": " + EXPIRY_THREAD + " survived the undeploy");
        }
        assertTrue(waitFor(() -> {
            System.gc();
            return alive(loaders) <= 1;
        }), () -> alive(loaders) + " of " + CYCLES + " undeployed webapp class loaders are still reachable; "
                + "a heap dump (jcmd <pid> GC.heap_dump) shows what holds them");
    }

    /** One deploy, some use, one undeploy; the webapp's class loader, held weakly. */
    private WeakReference<ClassLoader> deployUseAndUndeploy(EmbeddedContainer container) throws Exception {
        try (container) {
            URI base = container.deploy(EmbeddedContainer.builtWar(), "/service",
                    Map.of(EmbeddedContainer.CONFIG_PARAMETER, configFile.toString()));
            Http http = new Http(base);
            String token = ok(http.post("", "{\"AccountId\":\"u\"}", "x-key", KEY, "x-ttl", "600"))
                    .json().get("xSessionToken").asText();
            ok(http.patch("", "{\"n\":1}", "x-session-token", token));
            ok(http.post("create", "{\"user_id\":\"u\",\"ttl\":\"1h\"}", "x-key", KEY));
            ok(http.get("sessions?user_id=u&limit=1", "x-key", KEY));
            assertEquals(403, http.patch("", "{\"AccountId\":\"v\"}", "x-session-token", token).status());
            assertEquals(400, http.post("", "{", "x-key", KEY).status());
            assertEquals(404, http.get("nope").status());
            ok(http.get("metrics"));
            ok(http.get("health"));
            assertTrue(expiryThreadRuns(), "the memory store's expiry thread runs while sessions wait to expire");
            return new WeakReference<>(container.webappClassLoader("/service"));
        }
    }

    /**
     * Runs one cycle on a new thread, as a container deploys on threads of its own. The deploying thread
     * keeps Jackson's BufferRecycler of each deploy in a ThreadLocal, but only softly (the JVM clears it
     * before any OutOfMemoryError), so it is no leak; on this test's main thread it would hold every loader
     * until memory runs short, and hide what this test looks for: strong references.
     */
    private static <T> T onAThreadOfItsOwn(Callable<T> cycle) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread deployer = new Thread(() -> {
            try {
                result.set(cycle.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "redeploy-cycle");
        deployer.start();
        deployer.join();
        if (failure.get() instanceof Error e) {
            throw e;
        }
        if (failure.get() instanceof Exception e) {
            throw e;
        }
        return result.get();
    }

    private static Reply ok(Reply r) {
        assertEquals(200, r.status(), r::toString);
        return r;
    }

    private static boolean expiryThreadRuns() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive() && t.getName().equals(EXPIRY_THREAD));
    }

    private static long alive(List<WeakReference<ClassLoader>> loaders) {
        return loaders.stream().filter(r -> r.get() != null).count();
    }

    /** Polls a condition for up to 20 s: thread ends and collection are asynchronous. Not a timing assertion. */
    private static boolean waitFor(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(500);
        }
        return true;
    }
}
