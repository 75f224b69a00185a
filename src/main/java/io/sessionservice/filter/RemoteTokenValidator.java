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
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Validates tokens by asking a running Session Service (mode {@code remote}): {@code GET /validate}
 * with {@code x-include-session: true} (which adds the session data, so the filter learns the
 * user), or {@code GET /} when the filter is to extend sliding expiry.
 *
 * <p>Apache HttpClient's classic (blocking) client with a keep-alive pool of this filter's own: the request
 * thread writes and reads the socket itself, with no selector thread or executor to hand off to (the JDK's
 * {@code java.net.http} client did, and spent most of a request waiting for those hand-offs), and the pool
 * is sized by the filter, unlike {@code HttpURLConnection}'s JVM-wide one (5 idle connections per host
 * unless a system property says otherwise). No background threads: nothing to leak on undeploy, and
 * {@link #close()} closes the pooled connections.
 */
final class RemoteTokenValidator implements TokenValidator {

    /** The most pooled connections to the service: more concurrent requests wait for one (at most the timeout). */
    static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** Bigger answers are trouble, not sessions: the service bounds a session's data far below this. */
    static final int MAX_ANSWER_BYTES = 256 * 1024;

    private final URI validateUri;
    private final URI touchUri;
    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient client;

    RemoteTokenValidator(String serviceUrl, Duration timeout) {
        this(serviceUrl, timeout, DEFAULT_MAX_CONNECTIONS);
    }

    RemoteTokenValidator(String serviceUrl, Duration timeout, int maxConnections) {
        String base = serviceUrl.endsWith("/") ? serviceUrl : serviceUrl + "/";
        this.validateUri = URI.create(base + "validate");
        this.touchUri = URI.create(base);
        Timeout bound = Timeout.of(timeout);
        this.pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(bound).setTcpNoDelay(true).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(bound)
                        .setSocketTimeout(bound) // each wait for bytes of the answer
                        // A connection idle this long is checked before reuse: the service may have closed it.
                        .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                        .build())
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(bound) // waiting for a pooled connection
                        .setResponseTimeout(bound)
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .setRetryStrategy(new OnceOnAClosedConnection())
                .build();
    }

    /** Closes the pooled connections; the client starts no threads, so there is nothing else to stop. */
    @Override
    public void close() {
        client.close(CloseMode.IMMEDIATE);
        pool.close(CloseMode.IMMEDIATE);
    }

    @Override
    public Optional<AuthenticatedSession> validate(String token, boolean touch) {
        if (!Tokens.isWellFormed(token)) {
            return Optional.empty(); // also keeps header-breaking characters out of the outgoing request
        }
        HttpGet request = new HttpGet(touch ? touchUri : validateUri);
        request.addHeader(Headers.SESSION_TOKEN, token);
        request.addHeader(Headers.INCLUDE_SESSION, "true");
        request.addHeader("Accept", "application/json");
        try {
            return client.execute(request, response -> answer(request, response, touch));
        } catch (StoreUnavailableException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // The message names the service, never the token (it is in the request, not in the exception).
            throw new StoreUnavailableException("Session Service at " + touchUri + " did not answer ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private Optional<AuthenticatedSession> answer(HttpGet request, ClassicHttpResponse response, boolean touch)
            throws IOException {
        int status = response.getCode();
        byte[] body = bounded(request, response.getEntity());
        if (status == 401) {
            return Optional.empty();
        }
        if (status != 200) {
            // Only 401 means "no such session": GET / and GET /validate answer nothing else for a token. A 404
            // is a container with no service at that URL (undeployed, failed, mistyped): trouble, not a refusal.
            throw new StoreUnavailableException("Session Service at " + touchUri + " answered " + status, null);
        }
        return Optional.of(parse(body, touch));
    }

    /**
     * The answer's bytes, read to the end so the connection goes back to the pool; more than
     * {@link #MAX_ANSWER_BYTES} is trouble, and the connection is then cut: closing the body's stream
     * would read the rest of it, which an endless answer never ends.
     */
    private static byte[] bounded(HttpGet request, HttpEntity entity) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        if (entity.getContentLength() > MAX_ANSWER_BYTES) {
            request.cancel();
            throw new StoreUnavailableException("Session Service answered " + entity.getContentLength()
                    + " bytes, more than the filter reads (" + MAX_ANSWER_BYTES + ")", null);
        }
        InputStream in = entity.getContent();
        byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
        if (bytes.length > MAX_ANSWER_BYTES) {
            request.cancel();
            throw new StoreUnavailableException("Session Service answered more than the filter reads ("
                    + MAX_ANSWER_BYTES + " bytes)", null);
        }
        in.close(); // at the end already: gives the connection back to the pool
        return bytes;
    }

    private static AuthenticatedSession parse(byte[] body, boolean fromGet) {
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            ObjectNode data;
            if (fromGet) {
                data = (ObjectNode) json; // parsed for this request only: no copy needed
                JsonNode expires = data.get(StateFields.EXPIRES);
                JsonNode ttl = data.get(StateFields.TTL);
                data.remove(StateFields.SERVER_MANAGED.all());
                return session(data, expires, ttl);
            }
            if (json.get(StateFields.SESSION) instanceof ObjectNode session) {
                data = session;
            } else {
                // A service from before the x-include-session extension: the token is live, the owner unknown.
                data = Json.MAPPER.createObjectNode();
            }
            return session(data, json.get(StateFields.EXPIRES), json.get(StateFields.TTL));
        } catch (IOException | RuntimeException e) {
            throw new StoreUnavailableException("Session Service gave an answer the filter cannot read", e);
        }
    }

    private static AuthenticatedSession session(ObjectNode data, JsonNode expires, JsonNode ttl) {
        return new AuthenticatedSession(Session.userIdOf(data), data,
                Timestamps.parse(StateFields.EXPIRES, expires.asText()), ttl.asLong());
    }

    /**
     * One retry, at once, when a pooled connection turned out closed by the service (it closes idle ones and
     * every connection after so many requests): never on a timeout or a refused connection, never on a status
     * (the default would wait out a 503's Retry-After), so the filter's timeout still bounds the wait.
     */
    private static final class OnceOnAClosedConnection extends DefaultHttpRequestRetryStrategy {
        OnceOnAClosedConnection() {
            super(1, TimeValue.ZERO_MILLISECONDS);
        }

        @Override
        public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
            return false;
        }
    }
}
