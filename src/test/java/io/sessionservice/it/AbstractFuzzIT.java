package io.sessionservice.it;

import static io.sessionservice.it.HttpApiSupport.json;
import static io.sessionservice.it.HttpApiSupport.ok;
import static io.sessionservice.it.HttpApiSupport.userSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.it.HostileRequests.Request;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * SPEC §5 "no input ever yields a 500 or a stack trace", by fuzzing: a few thousand generated hostile requests
 * ({@link HostileRequests}) to the built WAR in a real container, each answer checked: no 5xx but 503, nothing
 * of a stack trace or class name, every error in its route's JSON dialect. A session made before the run is
 * checked after it: same data, still live.
 *
 * <p>The run is reproducible: the seed is fixed and printed; {@code -Dfuzz.seed=N} (and {@code -Dfuzz.tries=N})
 * run another. jqwik shrinks a failing request before reporting it.
 */
abstract class AbstractFuzzIT {

    static final String SEED_PROPERTY = "fuzz.seed";
    static final String DEFAULT_SEED = "20261202";
    static final String TRIES_PROPERTY = "fuzz.tries";
    static final int DEFAULT_TRIES = 1500;

    static final String KEY = "fuzz-key-0123456789abcdef";
    /** Short, so sessions the fuzz leaves in a shared Redis expire within minutes. */
    static final long MAX_TTL = 900;
    static final int MAX_BODY = 65_536;
    /** The containers' default limit on a request's line and headers. */
    static final int CONTAINER_HEAD_LIMIT = 8192;
    static final int HEAD_SLACK = 512;

    private static final Set<String> USER_ROUTES = Set.of("create", "session", "sessions", "verify");
    private static final Pattern STATE_CODE = Pattern.compile("[A-Z][A-Za-z]*Error");
    /** A Java class name or a stack frame in an answer. */
    private static final Pattern LEAK = Pattern.compile(
            "Exception|Throwable|\\tat |\\bat [a-z]+\\.|<html|<!doctype|"
                    + "\\b(java|javax|jakarta|sun|org\\.glassfish|org\\.apache|org\\.eclipse|com\\.fasterxml|redis\\.clients|"
                    + "com\\.github|io\\.sessionservice)\\.[a-z]", Pattern.CASE_INSENSITIVE);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final ItStore store;
    private EmbeddedContainer container;
    private Path configFile;
    private URI base;
    private Http http;
    private Canary canary;
    private final List<String> scratchTokens = new ArrayList<>();

    /** On {@code store}, set up as for the HTTP contract ITs ({@link ItStores}). */
    protected AbstractFuzzIT(ItStore store) {
        this.store = store;
    }

    /** A new, not yet started container. */
    protected abstract EmbeddedContainer newContainer();

    @Property(seed = DEFAULT_SEED, tries = DEFAULT_TRIES)
    @AddLifecycleHook(FuzzSettings.class)
    void noRequestGetsA500ALeakOrAnAnswerOutsideItsDialect(@ForAll("hostileRequests") Request request) {
        Answer answer = send(request);
        String path = request.path().split("\\?", 2)[0].replaceFirst("/$", ""); // Jersey serves "sessions/" as "sessions"
        String why = "\n" + request + "\n-> " + answer;
        assertTrue(answer.status < 500 || answer.status == 503, "a 5xx other than 503:" + why);
        assertTrue(!LEAK.matcher(answer.body).find(), "the answer shows a stack trace or class name:" + why);
        if (answer.status >= 400 && !request.method().equals("HEAD") && !isContainerAnswer(request, answer)) {
            assertErrorDialect(USER_ROUTES.contains(path), request, answer, why);
        }
    }

    @Provide
    Arbitrary<Request> hostileRequests() {
        // lazy: the deployment (and so the scratch tokens) exists once the property runs
        return Arbitraries.lazy(() -> new HostileRequests(KEY, scratchTokens, MAX_TTL, MAX_BODY).requests());
    }

    /**
     * A request head past the container's limit (Tomcat's and Jetty's default, 8 KB) is refused by the container
     * before the webapp runs, in its own documented JSON shape (README, "Errors the container answers itself"):
     * Tomcat {@code {"status":400}}, Jetty {@code {"message":…,"url":…,"status":"414"}} (or 431). Only then is
     * that shape accepted; the slack covers the headers the client adds (Host, User-Agent, Content-Length).
     */
    private static boolean isContainerAnswer(Request request, Answer answer) {
        int head = request.method().length() + request.path().getBytes(StandardCharsets.UTF_8).length;
        for (String part : request.headers()) {
            head += part.getBytes(StandardCharsets.UTF_8).length + 2;
        }
        if (head < CONTAINER_HEAD_LIMIT - HEAD_SLACK || answer.contentType == null
                || !answer.contentType.startsWith("application/json")) {
            return false;
        }
        JsonNode body = Http.parse(answer.body);
        List<String> names = HttpApiSupport.fieldNames(body);
        String status = String.valueOf(answer.status);
        boolean tomcat = answer.status == 400 && names.equals(List.of("status")) && body.get("status").asText().equals(status);
        boolean jetty = (answer.status == 414 || answer.status == 431) && names.equals(List.of("message", "url", "status"))
                && body.get("status").asText().equals(status);
        return tomcat || jetty;
    }

    private static void assertErrorDialect(boolean userRoute, Request request, Answer answer, String why) {
        String type = answer.contentType;
        assertTrue(type != null && type.startsWith("application/json"), "an error that is not JSON:" + why);
        JsonNode body = Http.parse(answer.body);
        List<String> names = HttpApiSupport.fieldNames(body);
        if (request.method().equals("DELETE") && request.path().split("\\?", 2)[0].isEmpty() && answer.status == 404) {
            assertEquals(json("Deleted", false), body, "DELETE / of no session:" + why);
        } else if (userRoute) {
            assertEquals(List.of("success", "message"), names, "the user API's error shape:" + why);
            assertTrue(body.get("success").isBoolean() && !body.get("success").booleanValue(), why);
            assertTrue(body.get("message").isTextual() && !body.get("message").asText().isBlank(), why);
        } else {
            assertEquals(List.of("code", "message"), names, "the state API's error shape:" + why);
            assertTrue(STATE_CODE.matcher(body.get("code").asText()).matches(), why);
            assertTrue(body.get("message").isTextual() && !body.get("message").asText().isBlank(), why);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @BeforeProperty
    void deploy() throws Exception {
        store.start();
        ObjectNode config = Http.JSON.createObjectNode().put("sessionExpirySec", 300).put("maxTtlSec", MAX_TTL)
                .put("maxBodyBytes", MAX_BODY);
        config.putObject("credentials").putArray("keys").add(KEY);
        config.putObject("userApi").put("requireKey", true);
        config.set("repository", Http.parse(store.repositoryJson()));
        configFile = Files.createTempFile("session-fuzz-config-", ".json");
        Files.writeString(configFile, Http.JSON.writeValueAsString(config));
        container = newContainer();
        base = container.deploy(EmbeddedContainer.builtWar(), "/fuzz",
                Map.of(EmbeddedContainer.CONFIG_PARAMETER, configFile.toString()));
        http = new Http(base);
        canary = Canary.create(http);
        for (int i = 0; i < 3; i++) {
            scratchTokens.add(ok(http.post("", json("AccountId", "u", "i", i), "x-key", KEY)).get("xSessionToken").asText());
            scratchTokens.add(userSuccess(http.post("create", json("user_id", "u" + i), "x-key", KEY)).get("token").asText());
        }
    }

    @AfterProperty
    void checkCanaryAndUndeploy() throws Exception {
        try {
            canary.assertIntact(http);
        } finally {
            try {
                if (container != null) {
                    container.close();
                }
            } finally {
                Files.deleteIfExists(configFile);
                store.stop();
            }
        }
    }

    // ------------------------------------------------------------------ sending

    record Answer(int status, String contentType, String body) {
        @Override
        public String toString() {
            return status + " " + contentType + " " + (body.length() > 500 ? body.substring(0, 500) + "…" : body);
        }
    }

    private Answer send(Request request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + request.path()))
                .timeout(Duration.ofSeconds(20));
        for (int i = 0; i < request.headers().size(); i += 2) {
            builder.header(request.headers().get(i), request.headers().get(i + 1));
        }
        byte[] body = request.body();
        builder.method(request.method(), body == null ? BodyPublishers.noBody()
                : request.chunked() ? BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : BodyPublishers.ofByteArray(body));
        HttpRequest built = builder.build();
        try {
            HttpResponse<byte[]> response;
            try {
                response = client.send(built, BodyHandlers.ofByteArray());
            } catch (IOException e) {
                // a kept-alive connection the server closed after an early answer (as in Http): send once more
                if (!String.valueOf(e.getMessage()).contains("received no bytes")) {
                    throw e;
                }
                response = client.send(built, BodyHandlers.ofByteArray());
            }
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                    new String(response.body(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return fail("no answer: " + e + "\n" + request, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted", e);
        }
    }

    /** A session of each API made before the run; the run must leave both exactly as they were. */
    private record Canary(String user, String userToken, String stateToken, ObjectNode stateData) {

        static Canary create(Http http) {
            String user = "fuzz-canary-" + UUID.randomUUID();
            String userToken = userSuccess(http.post("create", json("user_id", user, "ttl", "600"), "x-key", KEY))
                    .get("token").asText();
            ObjectNode data = json("AccountId", user, "n", new java.math.BigDecimal("2.50"), "list", List.of(1, "é😀"));
            String stateToken = ok(http.post("", data, "x-key", KEY)).get("xSessionToken").asText();
            return new Canary(user, userToken, stateToken, data);
        }

        void assertIntact(Http http) {
            JsonNode validation = ok(http.get("validate", "x-session-token", stateToken, "x-include-session", "true"));
            assertTrue(validation.get("IsValid").asBoolean(), validation::toString);
            assertEquals(stateData, validation.get("Session"), "the canary's data after the run");
            JsonNode verified = userSuccess(http.post("verify", json("user_id", user, "token", userToken), "x-key", KEY));
            assertEquals("true", verified.asText(), "the canary user session after the run");
            assertEquals(2, userSuccess(http.get("sessions?user_id=" + user, "x-key", KEY)).size(),
                    "the canary user holds exactly its two sessions");
        }
    }

    /** Sets the seed and tries from -Dfuzz.seed / -Dfuzz.tries, and prints them so any run can be repeated. */
    public static class FuzzSettings implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            String seed = System.getProperty(SEED_PROPERTY, DEFAULT_SEED);
            int tries = Integer.getInteger(TRIES_PROPERTY, DEFAULT_TRIES);
            context.attributes().setSeed(seed);
            context.attributes().setTries(tries);
            // the same requests on every run of a seed: no replay of an earlier run's failure from jqwik's database
            context.attributes().setAfterFailure(AfterFailureMode.RANDOM_SEED);
            System.out.printf("[fuzz] %s: seed=%s tries=%d (another run: -D%s=N -D%s=N)%n",
                    context.containerClass().getSimpleName(), seed, tries, SEED_PROPERTY, TRIES_PROPERTY);
            long start = System.nanoTime();
            PropertyExecutionResult result = property.execute();
            System.out.printf("[fuzz] %s: %s in %d ms, seed=%s%n", context.containerClass().getSimpleName(),
                    result.status(), (System.nanoTime() - start) / 1_000_000, result.seed().orElse(seed));
            return result;
        }
    }
}
