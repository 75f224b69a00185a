package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small JSON-over-HTTP client for the ITs: java.net.http underneath, Jackson with exact numbers. */
public final class Http {

    /** Numbers stay exact: big integers, decimals with their scale (1.50 stays 1.50). */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final URI base;
    private final boolean keptAlive;

    /** A client that keeps connections alive between requests, as most clients do. */
    public Http(URI base) {
        this(base, true);
    }

    private Http(URI base, boolean keptAlive) {
        this.base = base;
        this.keptAlive = keptAlive;
    }

    public URI base() {
        return base;
    }

    /**
     * Sends a request to {@code path} (relative to the webapp's base URI, e.g. {@code ""}, {@code "validate"}).
     *
     * @param body    null (no body), a String or byte[] (sent as is), a {@link BodyPublisher}, or any
     *                other object (written as JSON). A body gets {@code Content-Type: application/json}
     *                unless {@code headers} name another.
     * @param headers name, value, name, value, …
     */
    public Reply send(String method, String path, Object body, String... headers) {
        return send(method, base.resolve(path), path, body, headers);
    }

    /**
     * GET {@code rawPath} appended to the base URI as written: {@code "public/../private"} reaches the server
     * with its dot segments ({@link #send} resolves the path, which removes them; java.net.http does not).
     */
    public Reply getRaw(String rawPath, String... headers) {
        return send("GET", URI.create(base + rawPath), rawPath, null, headers);
    }

    private Reply send(String method, URI target, String path, Object body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(15));
        boolean contentType = false;
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
            contentType |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (body != null && !contentType) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, publisher(body));
        try {
            HttpRequest built = request.build();
            HttpResponse<String> response;
            try {
                response = client.send(built, BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // A server may close a kept-alive connection after an answer given without reading the request
                // body (early 401/404/405/413); the next request then meets a dead connection and gets no byte
                // back. The JDK sends a GET again by itself; do the same, once, for POST, PUT and PATCH.
                if (!keptAlive || !String.valueOf(e.getMessage()).contains("received no bytes")) {
                    throw e;
                }
                System.err.println("[Http] " + method + " /" + path + " sent again: the server had closed the connection ("
                        + e.getMessage() + ")");
                response = client.send(built, BodyHandlers.ofString(StandardCharsets.UTF_8));
            }
            return new Reply(method + " /" + path, response.statusCode(), response.headers(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted: " + method + " " + path, e);
        } catch (Exception e) {
            throw new AssertionError("Request failed: " + method + " " + target + ": " + e, e);
        }
    }

    /**
     * The same request on a connection of its own, and never sent twice: for bodies the server refuses
     * unread (413), where a connection that breaks before the answer is itself the failure to see.
     */
    public Reply sendAlone(String method, String path, Object body, String... headers) {
        return new Http(base, false).send(method, path, body, headers);
    }

    public Reply get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    public Reply post(String path, Object body, String... headers) {
        return send("POST", path, body, headers);
    }

    public Reply put(String path, Object body, String... headers) {
        return send("PUT", path, body, headers);
    }

    public Reply patch(String path, Object body, String... headers) {
        return send("PATCH", path, body, headers);
    }

    public Reply delete(String path, String... headers) {
        return send("DELETE", path, null, headers);
    }

    /** A body of unknown length: sent with chunked transfer encoding, no Content-Length. */
    public static BodyPublisher chunked(byte[] bytes) {
        return BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
    }

    public static String query(String name, String value) {
        return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("Not JSON: " + json, e);
        }
    }

    private static BodyPublisher publisher(Object body) {
        if (body == null) {
            return BodyPublishers.noBody();
        }
        if (body instanceof BodyPublisher p) {
            return p;
        }
        if (body instanceof byte[] bytes) {
            return BodyPublishers.ofByteArray(bytes);
        }
        if (body instanceof String s) {
            return BodyPublishers.ofString(s, StandardCharsets.UTF_8);
        }
        try {
            return BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A response: status, headers and the body as text. */
    public record Reply(String request, int status, HttpHeaders headers, String body) {

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** The body as JSON; fails the test, showing the body, when it is not JSON. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException e) {
                return fail(this + " is not JSON", e);
            }
        }

        @Override
        public String toString() {
            return request + " -> " + status + " " + (body.length() > 600 ? body.substring(0, 600) + "…" : body);
        }
    }
}
