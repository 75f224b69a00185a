package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionservice.config.ConfigLoader;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.store.SessionStores;
import io.sessionservice.store.StoreOutageContract;
import io.sessionservice.store.jdbc.JdbcTestDatabase;
import io.sessionservice.testing.DrippingService;
import io.sessionservice.testing.FreePorts;
import io.sessionservice.testing.FreezableTcpProxy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.it.Http.Reply;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SessionAuthFilter (SPEC §8) in a real container: the service WAR at {@value #SERVICE} (Redis store at
 * 127.0.0.1:6379 under a key prefix of this run's own) and, beside it in the same container, small
 * protected webapps ({@link ProtectedWebapp}) that admit only tokens the service made.
 *
 * <p>The filter runs in both modes, from each webapp's {@code WEB-INF/lib} and from the container's shared
 * class path, configured by web.xml and by {@code ServletContext.addFilter}: the {@link #guarded()} webapps,
 * which all take cookie {@code sid} and exclude {@code /public}. Other webapps each show one thing: touch,
 * a custom header, a dead store or service, a misconfiguration. Remote mode asks the service over HTTP, so
 * the container binds a port chosen before the start (the URL is in those webapps' web.xml).
 *
 * <p>A second container, without shared jars, holds webapps with only some of target/filter-lib's sets in
 * WEB-INF/lib: remote mode on common alone, store mode on common + redis, store mode on common + jdbc (the
 * jdbc store on the machine's PostgreSQL, in a table of this run's own), and store mode on common alone
 * (must fail to start, naming the directory to add).
 *
 * <p>One container per class (plus that one); every test makes its own users and tokens. The only wait is one 1.2 s sleep.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractSessionAuthFilterIT {

    static final String SERVICE = "/sessions";
    private static final String KEY = "it-key-filter-0123456789abcdef";
    private static final String CUSTOM_HEADER = "x-auth-token";

    /** A protected webapp at {@code /name} with cookie "sid" and excluded "/public"; {@code loader} as WhoAmI tells it. */
    record Guarded(String name, String loader) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Guarded> guarded() {
        return Stream.of(new Guarded("store-lib", "webapp"), new Guarded("store-shared", "shared"),
                new Guarded("remote-lib", "webapp"), new Guarded("remote-shared", "shared"),
                new Guarded("remote-in-code", "webapp"));
    }

    private final String keyPrefix = "filter-it-" + UUID.randomUUID() + ":";
    private final String jdbcTable = JdbcTestDatabase.newTable("it_filter");
    private String jdbcConfig;
    private final Map<String, Http> clients = new ConcurrentHashMap<>();
    private Path dir;
    private EmbeddedContainer container;
    private EmbeddedContainer bare;
    private Path bareDir;
    private Http service;
    /** Between the "remote-counted" webapp and the service: counts the connections the filter opens. */
    private FreezableTcpProxy proxy;
    /** Behind the "remote-drip" webapp: answers a byte every 200 ms, within its timeoutMs, never to the end. */
    private DrippingService drip;

    /** A new, not yet started container. */
    protected abstract EmbeddedContainer newContainer();

    /** After the container closed: fail if it saw webapps leave threads or references behind. */
    protected void assertNothingLeftBehind(EmbeddedContainer closed) {
    }

    @BeforeAll
    final void deploy() throws Exception {
        dir = Files.createTempDirectory("session-it-filter-");
        int port = FreePorts.freePort();
        String deadPort = Integer.toString(FreePorts.freePort()); // nothing listens there
        String serviceUrl = "http://127.0.0.1:" + port + SERVICE + "/";
        String config = config("service.json", "redis://127.0.0.1:6379", 2000);
        container = newContainer().port(port).sharedJars(ProtectedWebapp.filterJars("redis"))
                .addWebapp(EmbeddedContainer.builtWar(), SERVICE, Map.of(EmbeddedContainer.CONFIG_PARAMETER, config));

        add("store-lib", guardedApp("store").param("config", config).withFilterJarsInWebInfLib("redis"));
        // No "config": the filter finds the file as the service does, here by the context parameter.
        add("store-shared", guardedApp("store"), Map.of(EmbeddedContainer.CONFIG_PARAMETER, config));
        add("remote-lib", guardedApp("remote").param("serviceUrl", serviceUrl).withFilterJarsInWebInfLib());
        add("remote-shared", guardedApp("remote").param("serviceUrl", serviceUrl));
        add("remote-in-code", guardedApp("remote").param("serviceUrl", serviceUrl).withFilterJarsInWebInfLib()
                .registeredInCode());

        // A JAX-RS webapp whose catch-all resource routes on the raw URI (the firewall's reason to be).
        add("jersey", guardedApp("store").param("config", config).jersey());
        add("store-touch", filtered("store").param("config", config).param("touch", "true"));
        add("remote-touch", filtered("remote").param("serviceUrl", serviceUrl).param("touch", "true"));
        add("custom-header", filtered("store").param("config", config).param("headerName", CUSTOM_HEADER));
        add("store-dead", filtered("store").param("config", config("dead-redis.json", "redis://127.0.0.1:" + deadPort, 500)));
        add("remote-dead", filtered("remote").param("serviceUrl", "http://127.0.0.1:" + deadPort + SERVICE + "/")
                .param("timeoutMs", "500"));
        add("remote-no-service", filtered("remote").param("serviceUrl", "http://127.0.0.1:" + port + "/no-such-service/"));
        add("misconfigured", filtered("store").param("config", config("memory.json", null, 2000)));
        proxy = new FreezableTcpProxy(port);
        add("remote-counted", filtered("remote").param("serviceUrl", "http://127.0.0.1:" + proxy.port() + SERVICE));
        add("remote-cached", filtered("remote").param("serviceUrl", serviceUrl).param("cacheMillis", "600000")
                .param("cacheSize", "100"));
        add("remote-bad-cache", filtered("remote").param("serviceUrl", serviceUrl).param("cacheMillis", "-1"));
        drip = new DrippingService(DrippingService.Drip.BODY, Duration.ofMillis(200), "{}", 0);
        add("remote-drip", filtered("remote").param("serviceUrl", "http://127.0.0.1:" + drip.port() + SERVICE)
                .param("timeoutMs", "400").param("deadlineMs", "1000"));

        container.start();
        service = new Http(container.baseUri(SERVICE));

        // No shared jars here: each webapp has only the filter-lib directories in its WEB-INF/lib.
        bare = newContainer().port(FreePorts.freePort());
        bareDir = Files.createDirectories(dir.resolve("bare"));
        addBare("remote-common", filtered("remote").param("serviceUrl", serviceUrl).withFilterJarsInWebInfLib());
        addBare("store-common-redis", filtered("store").param("config", config).withFilterJarsInWebInfLib("redis"));
        jdbcConfig = jdbcConfig("jdbc.json");
        addBare("store-common-jdbc", filtered("store").param("config", jdbcConfig).withFilterJarsInWebInfLib("jdbc"));
        addBare("store-common-only", filtered("store").param("config", config).withFilterJarsInWebInfLib());
        bare.start();
    }

    @AfterAll
    final void undeploy() throws Exception {
        try {
            if (container != null) {
                container.close();
                assertNothingLeftBehind(container);
            }
            if (bare != null) {
                bare.close();
                assertNothingLeftBehind(bare);
            }
            if (proxy != null) {
                proxy.close();
            }
            if (drip != null) {
                drip.close();
            }
        } finally {
            TempFiles.deleteRecursively(dir);
            JdbcTestDatabase.POSTGRES.drop(jdbcTable);
        }
    }

    // ------------------------------------------------------------------ admitted

    @ParameterizedTest(name = "{0}")
    @MethodSource("guarded")
    void admitsStateAndUserTokensWithTheUserAsPrincipal(Guarded app) {
        String stateUser = newUser();
        assertAdmitted(stateUser, app, app(app.name()).get("page", "x-session-token", stateToken(stateUser)));
        String user = newUser();
        assertAdmitted(user, app, app(app.name()).get("page/sub?q=1", "x-session-token", userToken(user)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guarded")
    void theCookieCarriesATokenAndTheHeaderWinsOverIt(Guarded app) {
        String cookieUser = newUser();
        String headerUser = newUser();
        String cookieToken = stateToken(cookieUser);
        Http http = app(app.name());

        assertAdmitted(cookieUser, app, http.get("page", "Cookie", "other=x; sid=" + cookieToken));
        assertAdmitted(headerUser, app, http.get("page", "x-session-token", userToken(headerUser),
                "Cookie", "sid=" + cookieToken));
        String unknown = unknownToken();
        assertRefused("Session with token:'" + unknown + "' was not found",
                http.get("page", "x-session-token", unknown, "Cookie", "sid=" + cookieToken));
        assertRefused("Header x-session-token is missing", http.get("page", "Cookie", "session=" + cookieToken));
    }

    /**
     * Issue 9: a token holder who tries to make their session another user's (PATCH or PUT of AccountId) is
     * refused by the service, and every protected webapp, in either mode, still sees the original owner.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("guarded")
    void anAttemptedOwnerChangeLeavesThePrincipalAsItWas(Guarded app) {
        String owner = newUser();
        String alice = newUser();
        String token = stateToken(owner);
        Http http = app(app.name());
        assertAdmitted(owner, app, http.get("page", "x-session-token", token));

        for (String body : List.of("{\"AccountId\":\"" + alice + "\"}", "{\"AccountId\":null}")) {
            for (String method : List.of("PATCH", "PUT")) {
                Reply refused = service.send(method, "", body, "x-session-token", token);
                assertEquals(403, refused.status(), refused::toString);
                assertEquals("ForbiddenError", refused.json().get("code").asText(), refused::toString);
                assertAdmitted(owner, app, http.get("page", "x-session-token", token));
                assertAdmitted(owner, app, http.get("page", "Cookie", "sid=" + token));
            }
        }
    }

    /** Issue 13: after POST /rotate the old token is refused at once and the new one has the same principal. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("guarded")
    void followsARotatedTokenWithTheSamePrincipal(Guarded app) {
        Http http = app(app.name());
        String user = newUser();
        String old = stateToken(user);
        assertAdmitted(user, app, http.get("page", "x-session-token", old));
        assertAdmitted(user, app, http.get("page", "x-session-token", old)); // store mode: now in the local cache
        String next = ok(service.post("rotate", null, "x-session-token", old)).get("xSessionToken").asText();
        assertRefusedWithin100Ms(http, old);
        assertRefused("Session with token:'" + old + "' was not found", http.get("page", "x-session-token", old));
        assertAdmitted(user, app, http.get("page", "x-session-token", next));
        assertAdmitted(user, app, http.get("page", "Cookie", "sid=" + next));
    }

    // ------------------------------------------------------------------ refused

    @ParameterizedTest(name = "{0}")
    @MethodSource("guarded")
    void refusesAMissingOrUnknownToken(Guarded app) {
        Http http = app(app.name());
        assertRefused("Header x-session-token is missing", http.get("page"));
        assertRefused("Header x-session-token is missing", http.get("", "x-session-token", ""));
        String unknown = unknownToken();
        assertRefused("Session with token:'" + unknown + "' was not found", http.get("page", "x-session-token", unknown));
        assertRefused("Session with token:'short' was not found", http.get("page", "x-session-token", "short"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guarded")
    void refusesADeletedToken(Guarded app) {
        Http http = app(app.name());
        String stateToken = stateToken(newUser());
        ok(http.get("page", "x-session-token", stateToken));
        ok(http.get("page", "x-session-token", stateToken)); // store mode: now in the filter's local cache
        assertTrue(ok(service.delete("", "x-session-token", stateToken)).get("Deleted").asBoolean());
        assertRefusedWithin100Ms(http, stateToken);
        assertRefused("Session with token:'" + stateToken + "' was not found", http.get("page", "x-session-token", stateToken));

        String user = newUser();
        String userToken = userToken(user);
        ok(http.get("page", "x-session-token", userToken));
        ok(service.delete("sessions?" + Http.query("user_id", user), "x-key", KEY));
        // Store mode: the filter's local cache hears of the delete from Redis, within the revocation bound.
        assertRefusedWithin100Ms(http, userToken);
        assertRefused("Session with token:'" + userToken + "' was not found", http.get("page", "x-session-token", userToken));
    }

    /** Expiry and touch both need time to pass: one sleep serves both. */
    @Test
    void afterTheirTtlTokensAreRefusedAndOnlyTouchExtendsASlidingExpiry() throws InterruptedException {
        String expiring = ok(service.post("", "{}", "x-key", KEY, "x-ttl", "1")).get("xSessionToken").asText();
        // ttl 60 s: a touch resolution of 600 ms (1% of the ttl), so the touch after 1.2 s writes
        List<String> sliding = Stream.generate(() -> stateToken(newUser(), 60)).limit(3).toList();
        String absolute = userToken(newUser());
        List<String> watched = Stream.concat(sliding.stream(), Stream.of(absolute)).toList();
        Map<String, Instant> before = expiries(watched);

        Thread.sleep(1200);
        guarded().forEach(app -> assertRefused("Session with token:'" + expiring + "' was not found",
                app(app.name()).get("page", "x-session-token", expiring)));
        ok(app("store-touch").get("page", "x-session-token", sliding.get(0)));
        ok(app("remote-touch").get("page", "x-session-token", sliding.get(1)));
        ok(app("store-lib").get("page", "x-session-token", sliding.get(2))); // touch defaults to false
        ok(app("remote-lib").get("page", "x-session-token", sliding.get(2)));
        ok(app("store-touch").get("page", "x-session-token", absolute)); // a user-API session never slides
        ok(app("remote-touch").get("page", "x-session-token", absolute));

        Map<String, Instant> after = expiries(watched);
        for (String touched : sliding.subList(0, 2)) {
            Duration extended = Duration.between(before.get(touched), after.get(touched));
            assertTrue(extended.compareTo(Duration.ofMillis(1200)) >= 0, "touch extended the expiry by only " + extended);
        }
        assertEquals(before.get(sliding.get(2)), after.get(sliding.get(2)), "extended without touch");
        assertEquals(before.get(absolute), after.get(absolute), "an absolute expiry moved");
    }

    // ------------------------------------------------------------------ configuration

    @ParameterizedTest(name = "{0}")
    @MethodSource("guarded")
    void excludedPathsNeedNoTokenAndDotSegmentsDoNotEscapeTheFilter(Guarded app) {
        Http http = app(app.name());
        for (String path : List.of("public", "public/", "public/x/y")) {
            JsonNode who = ok(http.get(path));
            assertFalse(who.get("hasSession").asBoolean(), path);
            assertTrue(who.get("remoteUser").isNull(), path);
        }
        assertRefused("Header x-session-token is missing", http.get("publicity"));
        assertRefused("Header x-session-token is missing", http.get("Public"));
        for (String raw : List.of("public/../private", "public/./../private", "public/%2e%2e/private", "public/..;/private",
                "public/%2E%2E/x", "public//x", "public/x%2f..%2f..%2fprivate")) {
            assertFirewalled(raw, RawHttp.get(http.base(), http.base().getPath() + raw));
        }
    }

    /**
     * A Jersey resource {@code api/{p:.*}} behind the filter with {@code /public} excluded: the container
     * normalises {@code /api/x/../../public} to the excluded {@code /public}, while Jersey routes the raw URI
     * to the resource. Every such path is refused before the exclusions are looked at.
     */
    @ParameterizedTest
    @ValueSource(strings = {"api/x/../../public", "api/%2e%2e/public", "api/%2E%2E/public", "public/..;/api/x",
            "api//x", "public/../api/x", "public/%2e%2e/api/x", "api/x/..%2f..%2fpublic", "api/x/%2e%2e/%2e%2e/public",
            "public;x=1/../api/x", "public/.%2e/api/x", "api/x/..\\..\\public", "api/x%00/../../public",
            "api/x/%2e%2e%5c%2e%2e%5cpublic", "public/%252e%252e/api/x"})
    void aJaxRsCatchAllIsNotReachedThroughPathsTheContainerReadsAsExcluded(String raw) {
        URI base = jerseyBase();
        assertFirewalled(raw, RawHttp.get(base, base.getPath() + raw));
    }

    @Test
    void aJaxRsWebappServesExcludedAndProtectedPathsAsBefore() {
        Http http = app("jersey");
        JsonNode open = ok(http.get("public/x"));
        assertEquals("public", open.get("resource").asText());
        assertFalse(open.get("hasSession").asBoolean());
        assertRefused("Header x-session-token is missing", http.get("api/x"));
        assertRefused("Header x-session-token is missing", http.get("publicity"));
        String user = newUser();
        JsonNode admitted = ok(http.get("api/x/y", "x-session-token", stateToken(user)));
        assertEquals("api", admitted.get("resource").asText());
        assertEquals("x/y", admitted.get("p").asText());
        assertEquals(user, admitted.get("remoteUser").asText());
    }

    @Test
    void theHeaderNameIsConfigurable() {
        String user = newUser();
        String token = stateToken(user);
        JsonNode who = ok(app("custom-header").get("page", CUSTOM_HEADER, token));
        assertEquals(user, who.get("principal").asText());
        assertRefused("Header " + CUSTOM_HEADER + " is missing", app("custom-header").get("page", "x-session-token", token));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"store-dead", "remote-dead", "remote-no-service", "remote-drip"})
    void storeOrServiceTroubleIs503WithRetryAfter(String name) {
        Reply r = app(name).get("page", "x-session-token", stateToken(newUser()));
        assertEquals(503, r.status(), r::toString);
        assertNotNull(r.header("Retry-After"), () -> r + " has no Retry-After");
        assertEquals("ServiceUnavailableError", r.json().get("code").asText(), r::toString);
        assertFalse(r.json().get("message").asText().isBlank(), r::toString);
        assertRefused("Header x-session-token is missing", app(name).get("page"));
    }

    /** Each byte within timeoutMs, the answer never done: deadlineMs (1000) ends it, not the service. */
    @Test
    void aServiceDrippingItsAnswerIsCutAtDeadlineMs() {
        long start = System.nanoTime();
        Reply r = app("remote-drip").get("page", "x-session-token", stateToken(newUser()));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(503, r.status(), r::toString);
        assertTrue(took.toMillis() >= 1000 && took.toMillis() < 2500, () -> "answered after " + took);
    }

    @Test
    void storeModeWithTheMemoryStoreFailsItsWebappsStart() {
        DeploymentFailedException failure = assertThrows(DeploymentFailedException.class,
                () -> container.baseUri("/misconfigured"));
        assertTrue(List.of("FAILED", "UNAVAILABLE").contains(failure.state()), failure::getMessage);
        String why = messages(failure.getCause());
        assertTrue(why.contains("SessionAuthFilter") && why.contains("'memory'") && why.contains("remote"), why);

        Reply r = new Http(failure.baseUri()).get("page", "x-session-token", stateToken(newUser()));
        assertTrue(r.status() == 404 || r.status() == 503, () -> "served by a failed webapp: " + r);
    }

    // ------------------------------------------------------------------ remote mode's client and cache

    /** Keep-alive: many requests, few connections (a container may close one after so many requests). */
    @Test
    void remoteModeKeepsItsConnectionsToTheServiceAlive() {
        String user = newUser();
        String token = stateToken(user);
        Http http = app("remote-counted");
        for (int i = 0; i < 300; i++) {
            assertEquals(user, ok(http.get("page", "x-session-token", token)).get("remoteUser").asText());
        }
        String unknown = unknownToken();
        for (int i = 0; i < 100; i++) { // the service's 401 is read to the end, and its connection kept
            assertRefused("Session with token:'" + unknown + "' was not found", http.get("page", "x-session-token", unknown));
        }
        assertTrue(proxy.accepted() >= 1 && proxy.accepted() <= 10, proxy.accepted() + " connections for 400 requests");
    }

    /** cacheMillis admits a deleted token until the cache forgets it (CachingTokenValidatorTest times that). */
    @Test
    void withCacheMillisADeletedTokenIsStillAdmittedWhereWithoutItIsRefused() {
        String user = newUser();
        String token = stateToken(user);
        assertEquals(user, ok(app("remote-cached").get("page", "x-session-token", token)).get("remoteUser").asText());
        ok(service.delete("", "x-session-token", token));
        assertEquals(user, ok(app("remote-cached").get("page", "x-session-token", token)).get("remoteUser").asText());
        assertRefused("Session with token:'" + token + "' was not found", app("remote-lib").get("page", "x-session-token", token));
        String unknown = unknownToken();
        assertRefused("Session with token:'" + unknown + "' was not found", app("remote-cached").get("page", "x-session-token", unknown));
    }

    @Test
    void aNegativeCacheMillisFailsItsWebappsStart() {
        DeploymentFailedException failure = assertThrows(DeploymentFailedException.class,
                () -> container.baseUri("/remote-bad-cache"));
        String why = messages(failure.getCause());
        assertTrue(why.contains("cacheMillis"), why);
    }

    // ------------------------------------------------------------------ which jars a webapp needs

    @Test
    void remoteModeRunsOnFilterLibCommonAlone() throws Exception {
        String user = newUser();
        JsonNode who = ok(new Http(bare.baseUri("/remote-common")).get("page", "x-session-token", stateToken(user)));
        assertEquals(user, who.get("remoteUser").asText(), who::toString);
        assertEquals("webapp", who.get("filterLoader").asText(), who::toString);
    }

    @Test
    void storeModeRunsOnFilterLibCommonAndItsStore() throws Exception {
        String user = newUser();
        JsonNode who = ok(new Http(bare.baseUri("/store-common-redis")).get("page", "x-session-token", userToken(user)));
        assertEquals(user, who.get("remoteUser").asText(), who::toString);
        assertRefused("Session with token:'nope' was not found",
                new Http(bare.baseUri("/store-common-redis")).get("page", "x-session-token", "nope"));
    }

    /** The session is written by the jdbc store opened here, in the test's class path; the webapp reads it. */
    @Test
    void storeModeRunsOnFilterLibCommonAndJdbc() throws Exception {
        String user = newUser();
        Session session = StoreOutageContract.outageSession(user);
        try (SessionStore store = SessionStores.open(ConfigLoader.load(jdbcConfig, true), Clock.systemUTC())) {
            assertTrue(store.insert(session));
        }
        Http app = new Http(bare.baseUri("/store-common-jdbc"));
        JsonNode who = ok(app.get("page", "x-session-token", session.token()));
        assertEquals(user, who.get("remoteUser").asText(), who::toString);
        assertRefused("Session with token:'nope' was not found", app.get("page", "x-session-token", "nope"));
    }

    @Test
    void storeModeWithoutItsStoresJarsFailsItsStartNamingTheDirectory() {
        DeploymentFailedException failure = assertThrows(DeploymentFailedException.class,
                () -> bare.baseUri("/store-common-only"));
        String why = messages(failure.getCause());
        assertTrue(why.contains("SessionAuthFilter cannot start") && why.contains("filter-lib/redis"), why);
    }

    // ------------------------------------------------------------------ helpers

    private void addBare(String name, ProtectedWebapp app) {
        bare.addWebapp(app.writeTo(bareDir, name), "/" + name, Map.of());
    }

    private static ProtectedWebapp filtered(String mode) {
        return new ProtectedWebapp().param("mode", mode);
    }

    private static ProtectedWebapp guardedApp(String mode) {
        return filtered(mode).param("cookieName", "sid").param("excludePaths", "/public");
    }

    private void add(String name, ProtectedWebapp app) {
        add(name, app, Map.of());
    }

    private void add(String name, ProtectedWebapp app, Map<String, String> contextParameters) {
        container.addWebapp(app.writeTo(dir, name), "/" + name, contextParameters);
    }

    /** A service config file for the jdbc store on the machine's PostgreSQL, in this run's table. */
    private String jdbcConfig(String file) throws Exception {
        ObjectNode config = Http.JSON.createObjectNode().put("sessionExpirySec", 3600);
        config.putObject("credentials").putArray("keys").add(KEY);
        config.set("repository", JdbcRepositories.repository(JdbcTestDatabase.POSTGRES.url(),
                JdbcTestDatabase.POSTGRES.username(), jdbcTable, 2000));
        return Files.writeString(dir.resolve(file), Http.JSON.writeValueAsString(config)).toString();
    }

    /** A service config file: Redis at {@code redisUrl} under this run's prefix, or the memory store when null. */
    private String config(String file, String redisUrl, int timeoutMs) throws Exception {
        // touchResolutionSec 0: every touch writes, so that one 1.2 s sleep shows a touch moving the expiry
        ObjectNode config = Http.JSON.createObjectNode().put("sessionExpirySec", 3600).put("touchResolutionSec", 0);
        config.putObject("credentials").putArray("keys").add(KEY);
        ObjectNode repository = config.putObject("repository").put("timeoutMs", timeoutMs);
        if (redisUrl == null) {
            repository.put("type", "memory");
        } else {
            repository.put("type", "redis").putObject("redis").put("url", redisUrl).put("keyPrefix", keyPrefix);
        }
        return Files.writeString(dir.resolve(file), Http.JSON.writeValueAsString(config)).toString();
    }

    private Http app(String name) {
        return clients.computeIfAbsent(name, n -> {
            try {
                return new Http(container.baseUri("/" + n));
            } catch (DeploymentFailedException e) {
                throw new AssertionError(e.getMessage(), e);
            }
        });
    }

    private static String newUser() {
        return "user-" + UUID.randomUUID();
    }

    private static String unknownToken() {
        return "unknown-" + UUID.randomUUID();
    }

    /** A sliding session made by the state API (POST /) for {@code user}. */
    private String stateToken(String user) {
        return ok(service.post("", "{\"AccountId\":\"" + user + "\"}", "x-key", KEY)).get("xSessionToken").asText();
    }

    /** A sliding session made by the state API (POST /) for {@code user}, with this ttl in seconds. */
    private String stateToken(String user, long ttl) {
        return ok(service.post("", "{\"AccountId\":\"" + user + "\"}", "x-key", KEY, "x-ttl", Long.toString(ttl)))
                .get("xSessionToken").asText();
    }

    /** An absolute session made by the user-session API (POST /create) for {@code user}. */
    private String userToken(String user) {
        return ok(service.post("create", "{\"user_id\":\"" + user + "\",\"ttl\":\"1h\"}", "x-key", KEY))
                .get("message").get("token").asText();
    }

    /** Each token's Expires as the service's GET /validate (which does not extend) reports it. */
    private Map<String, Instant> expiries(List<String> tokens) {
        return tokens.stream().collect(Collectors.toMap(t -> t,
                t -> Instant.parse(ok(service.get("validate", "x-session-token", t)).get("Expires").asText())));
    }

    private static void assertAdmitted(String user, Guarded app, Reply r) {
        JsonNode who = ok(r);
        assertEquals(user, who.get("remoteUser").asText(), r::toString);
        assertEquals(user, who.get("principal").asText(), r::toString);
        assertEquals(user, who.get("attributeUser").asText(), r::toString);
        assertEquals(app.loader(), who.get("filterLoader").asText(), r::toString);
    }

    private URI jerseyBase() {
        return app("jersey").base();
    }

    /** 400 JSON from the filter's firewall (or, for some paths, the container's own JSON 400): no resource reached. */
    private static void assertFirewalled(String raw, RawHttp.Answer a) {
        JsonNode body = RawHttp.assertJsonError(a, 400);
        assertFalse(body.has("resource") || body.has("remoteUser"), () -> raw + " reached the webapp: " + a);
        if (body.has("code")) {
            assertEquals("BadRequestError", body.get("code").asText(), a::toString);
            assertTrue(body.get("message").asText().startsWith("The request path contains "), a::toString);
        }
    }

    /**
     * Revocation (issue 11): once the service answered a DELETE, the filter refuses the token within
     * 100 ms, though its store mode keeps sessions in a local cache (polled, not slept).
     */
    private static void assertRefusedWithin100Ms(Http http, String token) {
        long deleted = System.nanoTime();
        while (http.get("page", "x-session-token", token).status() != 401) {
            long waited = System.nanoTime() - deleted;
            assertTrue(waited <= 100_000_000L, "a deleted token still admitted after " + waited / 1_000_000 + " ms");
        }
    }

    private static void assertRefused(String message, Reply r) {
        assertEquals(401, r.status(), r::toString);
        assertTrue(String.valueOf(r.header("Content-Type")).startsWith("application/json"), r::toString);
        assertEquals(Http.JSON.createObjectNode().put("code", "UnauthorizedError").put("message", message), r.json());
    }

    private static JsonNode ok(Reply r) {
        assertEquals(200, r.status(), r::toString);
        return r.json();
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c).append(" / ");
        }
        return all.toString();
    }
}
