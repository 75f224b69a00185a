package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP contract of SPEC §3 (state API), §4 (user-session API), §5 (limits and bad input) and the
 * operations endpoints, driven over real HTTP against the built WAR in an embedded container.
 *
 * <p>The tests are default methods of the interfaces this class implements, one per concern:
 * {@link StateApiTests}, {@link UserSessionCreateTests}, {@link UserSessionApiTests}, {@link InputLimitsTests},
 * {@link OperationsTests}, {@link OwnershipAndBoundsTests}. What they need from this class is in
 * {@link HttpApiFixture}; their static checks are in {@link HttpApiSupport}. This class deploys the service
 * and holds the config the tests expect.
 *
 * <p>A subclass picks the container and the store; everything else is inherited. A store set up in
 * {@link ItStores} (shared with the fuzz ITs) is passed to the constructor: {@code super(ItStores.mongo(1000))}.
 * Otherwise the subclass gives the store's hooks itself:
 * <pre>{@code
 * class JettyRedisHttpApiIT extends AbstractHttpApiIT {
 *     protected EmbeddedContainer newContainer() { return new JettyContainer(); }
 *     protected String repositoryJson() {
 *         return """
 *             {"type":"redis","timeoutMs":2000,"redis":{"url":"redis://127.0.0.1:6379/0"}}""";
 *     }
 *     // optional: startStore() / stopStore() around the deployment, for an in-JVM server
 *     // (mongo-java-server, CouchbaseMock); public interruptStore() / restoreStore() for the §6 store-trouble test
 * }
 * }</pre>
 *
 * <p>The container starts once per class. Tests share it, so every test uses its own random user ids and
 * tokens (a shared external store may hold other builds' sessions too). The only waits are the ~1 s
 * expiry test and a few 25 ms pauses that let the clock move before checking that an expiry slid.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractHttpApiIT implements StateApiTests, UserSessionCreateTests, UserSessionApiTests,
        InputLimitsTests, OperationsTests, OwnershipAndBoundsTests, LoneSurrogateTests, LifecycleApiTests,
        ValidateFastPathTests, QuietLogTests {

    protected static final String KEY = "it-key-0123456789abcdef";
    protected static final String ROTATED_KEY = "it-key-rotated-fedcba9876543210";
    protected static final long DEFAULT_TTL = 3600;
    protected static final long MAX_TTL = 2_592_000;
    /** maxLifetimeSec of the ITs: below MAX_TTL, so the cap shows on a long x-ttl. */
    protected static final long MAX_LIFETIME = 604_800;
    /** rotationGraceSec of the ITs: short, so the grace's end is seen within a test. */
    protected static final long ROTATION_GRACE = 1;
    protected static final int MAX_BODY = 65_536;
    /** Below MAX_BODY, so that a body the service reads whole can still be past the session limit. */
    protected static final int MAX_SESSION_BYTES = 60_000;
    /** Low, so the cap shows over HTTP with a few requests. */
    protected static final int MAX_SESSIONS_PER_USER = 8;

    private final ItStore store;
    private EmbeddedContainer container;
    private Path configFile;
    private Http http;

    /** For a subclass that overrides {@link #repositoryJson()} and the store hooks itself. */
    protected AbstractHttpApiIT() {
        this(() -> {
            throw new IllegalStateException("a subclass without an ItStore gives repositoryJson()");
        });
    }

    /** On a store of {@link ItStores}: its setup drives the hooks below. */
    protected AbstractHttpApiIT(ItStore store) {
        this.store = store;
    }

    // ------------------------------------------------------------------ what a subclass chooses

    /** A new, not yet started container. */
    protected abstract EmbeddedContainer newContainer();

    /** The config's {@code repository} section as JSON, e.g. {@code {"type":"memory","timeoutMs":2000}}. */
    protected String repositoryJson() {
        return store.repositoryJson();
    }

    /** Starts an in-JVM store server before the WAR is deployed (then {@link #repositoryJson()} may use its port). */
    protected void startStore() throws Exception {
        store.start();
    }

    /** Stops what {@link #startStore()} started, after the container is closed. */
    protected void stopStore() throws Exception {
        store.stop();
    }

    /**
     * Makes the store unreachable while the service runs (stop the in-JVM server, cut a proxy, …) so
     * {@link OperationsTests#storeTroubleIs503WithRetryAfterAndServiceResumes} can check SPEC §6.
     *
     * @return false (the default) when this store cannot be interrupted: that test is then skipped
     */
    @Override
    public boolean interruptStore() throws Exception {
        return store.interrupt();
    }

    /** Undoes {@link #interruptStore()}. */
    @Override
    public void restoreStore() throws Exception {
        store.restore();
    }

    /** Where the WAR is deployed; not the root, so the suite also checks that paths are context-relative. */
    protected String contextPath() {
        return "/session-service";
    }

    /** How far the store's clock may be from this JVM's when checking expiry instants. */
    @Override
    public Duration clockTolerance() {
        return Duration.ofMillis(100);
    }

    /** The whole service config; override to change more than the repository. */
    protected ObjectNode serviceConfig() {
        ObjectNode config = Http.JSON.createObjectNode()
                .put("sessionExpirySec", DEFAULT_TTL)
                .put("maxTtlSec", MAX_TTL)
                .put("maxBodyBytes", MAX_BODY)
                .put("maxSessionBytes", MAX_SESSION_BYTES)
                .put("maxSessionsPerUser", MAX_SESSIONS_PER_USER)
                .put("maxLifetimeSec", MAX_LIFETIME)
                .put("rotationGraceSec", ROTATION_GRACE);
        config.putObject("credentials").putArray("keys").add(KEY).add(ROTATED_KEY);
        config.putObject("userApi").put("requireKey", true);
        config.set("repository", Http.parse(repositoryJson()));
        return config;
    }

    /** The store name GET /health reports. */
    @Override
    public String storeType() {
        return Http.parse(repositoryJson()).path("type").asText();
    }

    // ------------------------------------------------------------------ lifecycle

    @BeforeAll
    final void deployService() throws Exception {
        // The webapp would prefer these over its context parameter (SPEC §7) and they are JVM/process-wide.
        assertNull(System.getProperty("session.config"), "unset -Dsession.config: it overrides the ITs' config");
        for (String variable : List.of("SESSION_CONFIG", "SESSION_KEY", "SESSION_EXPIRY_SEC")) {
            assertNull(System.getenv(variable), "unset " + variable + ": it overrides the ITs' config");
        }
        startStore();
        configFile = Files.createTempFile("session-it-config-", ".json");
        Files.writeString(configFile, Http.JSON.writeValueAsString(serviceConfig()));
        container = newContainer();
        URI base = container.deploy(EmbeddedContainer.builtWar(), contextPath(),
                Map.of(EmbeddedContainer.CONFIG_PARAMETER, configFile.toString()));
        http = new Http(base);
    }

    @AfterAll
    final void undeployService() throws Exception {
        try {
            if (container != null) {
                container.close();
            }
        } finally {
            if (configFile != null) {
                Files.deleteIfExists(configFile);
            }
            stopStore();
        }
    }

    /** The client for the deployed service, its base URI the context root. */
    @Override
    public final Http http() {
        return http;
    }
}
