package io.sessionservice.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Json;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionService;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.core.Timestamps;
import io.sessionservice.core.Tokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Validates tokens by asking a running Session Service (mode {@code remote}): {@code GET /validate}
 * with {@code x-include-session: true} (which adds the session data, so the filter learns the
 * user), or {@code GET /} when the filter is to extend sliding expiry.
 */
final class RemoteTokenValidator implements TokenValidator {

    static final String INCLUDE_SESSION_HEADER = "x-include-session";

    private final URI validateUri;
    private final URI touchUri;
    private final Duration timeout;
    private final HttpClient client;

    RemoteTokenValidator(String serviceUrl, Duration timeout) {
        String base = serviceUrl.endsWith("/") ? serviceUrl : serviceUrl + "/";
        this.validateUri = URI.create(base + "validate");
        this.touchUri = URI.create(base);
        this.timeout = timeout;
        // HTTP/1.1: the default (HTTP/2) tries an h2c upgrade on plain-HTTP connections, which costs
        // milliseconds a request against a service that does not speak h2c (Tomcat and Jetty by default).
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    @Override
    public Optional<AuthenticatedSession> validate(String token, boolean touch) {
        if (!Tokens.isWellFormed(token)) {
            return Optional.empty(); // also keeps header-breaking characters out of the outgoing request
        }
        HttpRequest request = HttpRequest.newBuilder(touch ? touchUri : validateUri)
                .timeout(timeout)
                .header("x-session-token", token)
                .header(INCLUDE_SESSION_HEADER, "true")
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
        if (status == 401 || status == 404) {
            return Optional.empty();
        }
        if (status != 200) {
            throw new StoreUnavailableException("Session Service answered " + status, null);
        }
        return Optional.of(parse(response.body(), touch));
    }

    private static AuthenticatedSession parse(byte[] body, boolean fromGet) {
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            ObjectNode data;
            if (fromGet) {
                data = ((ObjectNode) json).deepCopy();
                data.remove(SessionService.SERVER_MANAGED);
            } else if (json.get("Session") instanceof ObjectNode session) {
                data = session;
            } else {
                // A service from before the x-include-session extension: the token is live, the owner unknown.
                data = Json.MAPPER.createObjectNode();
            }
            return new AuthenticatedSession(Session.userIdOf(data), data,
                    Timestamps.parse("Expires", json.get("Expires").asText()), json.get("Ttl").asLong());
        } catch (IOException | RuntimeException e) {
            throw new StoreUnavailableException("Session Service gave an answer the filter cannot read", e);
        }
    }
}
