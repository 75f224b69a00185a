package io.sessionservice.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Json;
import io.sessionservice.core.Session;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.core.Timestamps;
import io.sessionservice.core.Tokens;
import io.sessionservice.protocol.Headers;
import io.sessionservice.protocol.StateFields;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Validates tokens by asking a running Session Service (mode {@code remote}): {@code GET /validate}
 * with {@code x-include-session: true} (which adds the session data, so the filter learns the
 * user), or {@code GET /} when the filter is to extend sliding expiry.
 */
final class RemoteTokenValidator implements TokenValidator {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final URI validateUri;
    private final URI touchUri;
    private final Duration timeout;
    private final ExecutorService executor;
    private final HttpClient client;

    RemoteTokenValidator(String serviceUrl, Duration timeout) {
        String base = serviceUrl.endsWith("/") ? serviceUrl : serviceUrl + "/";
        this.validateUri = URI.create(base + "validate");
        this.touchUri = URI.create(base);
        this.timeout = timeout;
        this.executor = Executors.newCachedThreadPool(RemoteTokenValidator::newThread);
        // HTTP/1.1: the default (HTTP/2) tries an h2c upgrade on plain-HTTP connections, which costs
        // milliseconds a request against a service that does not speak h2c (Tomcat and Jetty by default).
        this.client = withSystemContextLoader(() -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout).executor(executor).build());
    }

    /**
     * Ends the client's threads with the filter. The default executor's workers (created on request
     * threads, so holding the webapp's class loader as context loader) outlive an undeploy by a minute and
     * the selector thread until the client is collected; containers report both as leaks on every stop.
     */
    @Override
    public void close() {
        if (client instanceof AutoCloseable closeable) { // Java 21+: also stops the selector thread
            try {
                closeable.close();
            } catch (Exception e) {
                // closing is best effort: the filter is going away
            }
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Optional<AuthenticatedSession> validate(String token, boolean touch) {
        if (!Tokens.isWellFormed(token)) {
            return Optional.empty(); // also keeps header-breaking characters out of the outgoing request
        }
        HttpRequest request = HttpRequest.newBuilder(touch ? touchUri : validateUri)
                .timeout(timeout)
                .header(Headers.SESSION_TOKEN, token)
                .header(Headers.INCLUDE_SESSION, "true")
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new StoreUnavailableException("Session Service at " + touchUri + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("Interrupted while asking Session Service", e);
        }
        int status = response.statusCode();
        if (status == 401) {
            return Optional.empty();
        }
        if (status != 200) {
            // Only 401 means "no such session": GET / and GET /validate answer nothing else for a token. A 404
            // is a container with no service at that URL (undeployed, failed, mistyped): trouble, not a refusal.
            throw new StoreUnavailableException("Session Service at " + touchUri + " answered " + status, null);
        }
        return Optional.of(parse(response.body(), touch));
    }

    private static Thread newThread(Runnable task) {
        Thread t = new Thread(task, "SessionAuthFilter-remote-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        t.setContextClassLoader(ClassLoader.getSystemClassLoader());
        return t;
    }

    /**
     * Runs {@code action} with the system class loader as context loader: threads it starts (the client's
     * selector) inherit that, not the webapp's, so they do not hold the webapp after an undeploy.
     */
    private static <T> T withSystemContextLoader(Supplier<T> action) {
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(ClassLoader.getSystemClassLoader());
        try {
            return action.get();
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    private static AuthenticatedSession parse(byte[] body, boolean fromGet) {
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            ObjectNode data;
            if (fromGet) {
                data = ((ObjectNode) json).deepCopy();
                data.remove(StateFields.SERVER_MANAGED.all());
            } else if (json.get(StateFields.SESSION) instanceof ObjectNode session) {
                data = session;
            } else {
                // A service from before the x-include-session extension: the token is live, the owner unknown.
                data = Json.MAPPER.createObjectNode();
            }
            return new AuthenticatedSession(Session.userIdOf(data), data,
                    Timestamps.parse(StateFields.EXPIRES, json.get(StateFields.EXPIRES).asText()),
                    json.get(StateFields.TTL).asLong());
        } catch (IOException | RuntimeException e) {
            throw new StoreUnavailableException("Session Service gave an answer the filter cannot read", e);
        }
    }
}
