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
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.bootstrap.HttpRequester;
import org.apache.hc.core5.http.impl.bootstrap.RequesterBootstrap;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.http.protocol.HttpProcessorBuilder;
import org.apache.hc.core5.http.protocol.RequestTargetHost;
import org.apache.hc.core5.http.protocol.RequestUserAgent;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Validates tokens by asking a running Session Service (mode {@code remote}): {@code GET /validate}
 * with {@code x-include-session: true} (which adds the session data, so the filter learns the
 * user), or {@code GET /} when the filter is to extend sliding expiry.
 *
 * <p>Apache HttpCore 5's classic {@link HttpRequester}: a keep-alive pool of this filter's own and one
 * blocking exchange on the request thread, with no selector thread or executor to hand off to (the JDK's
 * {@code java.net.http} client did, and spent most of a request waiting for those hand-offs). It replaced
 * HttpClient 5's classic client, whose exec chain (route planning, the protocol, retry and connect stages,
 * a connection endpoint per lease, request configs and a client context per call) cost about as much CPU
 * as the service's own answer: this filter talks to one fixed host with no cookies, no auth, no redirects,
 * no proxy, so none of that is needed. One background thread, the {@link ValidationDeadline}'s, which bounds a
 * whole validation (the timeout bounds each wait only); {@link #close()} stops it and closes the pooled connections.
 */
final class RemoteTokenValidator implements TokenValidator {

    /** The most pooled connections to the service: more concurrent requests wait for one (at most the timeout). */
    static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** Bigger answers are trouble, not sessions: the service bounds a session's data far below this. */
    static final int MAX_ANSWER_BYTES = 256 * 1024;
    /** Longest line of an answer's head (status, header, chunk size), and most header lines: HttpCore's default is no limit. */
    static final int MAX_HEAD_LINE = 8192;
    static final int MAX_HEADERS = 100;
    /** The default bound on a whole validation, in timeouts: a lease wait and a connect may each take one. */
    static final int DEFAULT_DEADLINE_TIMEOUTS = 2;
    /** Sent as User-Agent, so the service's logs tell the filter's requests apart. */
    static final String USER_AGENT = "SessionAuthFilter";

    private final URI serviceUri;
    private final HttpHost service;
    private final String validatePath;
    private final String touchPath;
    private final Timeout timeout;
    private final ValidationDeadline deadline;
    private final HttpRequester requester;

    RemoteTokenValidator(String serviceUrl, Duration timeout) {
        this(serviceUrl, timeout, DEFAULT_MAX_CONNECTIONS);
    }

    RemoteTokenValidator(String serviceUrl, Duration timeout, int maxConnections) {
        this(serviceUrl, timeout, timeout.multipliedBy(DEFAULT_DEADLINE_TIMEOUTS), maxConnections);
    }

    /** {@code deadline}: the longest a validation takes, whatever the service does; see {@link ValidationDeadline}. */
    RemoteTokenValidator(String serviceUrl, Duration timeout, Duration deadline, int maxConnections) {
        String base = serviceUrl.endsWith("/") ? serviceUrl : serviceUrl + "/";
        this.serviceUri = URI.create(base);
        this.service = HttpHost.create(serviceUri);
        this.touchPath = serviceUri.getRawPath();
        this.validatePath = touchPath + "validate";
        this.timeout = Timeout.of(timeout);
        this.deadline = new ValidationDeadline(deadline);
        this.requester = RequesterBootstrap.bootstrap()
                // Bounds connecting and each wait for bytes of the answer; the lease wait is bounded in execute.
                .setSocketConfig(SocketConfig.custom().setSoTimeout(this.timeout).setTcpNoDelay(true).build())
                // An endless head would be buffered whole, as fast as it comes, until the deadline: bound it too.
                .setHttp1Config(Http1Config.custom().setMaxLineLength(MAX_HEAD_LINE).setMaxHeaderCount(MAX_HEADERS).build())
                .setMaxTotal(maxConnections)
                .setDefaultMaxPerRoute(maxConnections)
                // Host (HTTP/1.1 needs it) and User-Agent: nothing else is added to the request.
                .setHttpProcessor(HttpProcessorBuilder.create()
                        .add(new RequestTargetHost())
                        .add(new RequestUserAgent(USER_AGENT))
                        .build())
                // An https serviceUrl: the certificate must name the host, as HttpClient (and a browser) checks.
                .setSslSetupHandler(parameters -> parameters.setEndpointIdentificationAlgorithm("HTTPS"))
                // Tell the deadline which socket a validation is on (the requester's own default TLS factory, watched).
                .setSslSocketFactory(this.deadline.watching((SSLSocketFactory) SSLSocketFactory.getDefault()))
                .setStreamListener(this.deadline.streamListener())
                .create();
    }

    /** Closes the pooled connections and stops the deadline's thread (the requester starts none). */
    @Override
    public void close() {
        requester.close(CloseMode.IMMEDIATE);
        deadline.close();
    }

    @Override
    public Optional<AuthenticatedSession> validate(String token, boolean touch) {
        if (!Tokens.isWellFormed(token)) {
            return Optional.empty(); // also keeps header-breaking characters out of the outgoing request
        }
        try (ValidationDeadline.Alarm alarm = deadline.start()) {
            try (ClassicHttpResponse response = exchange(token, touch, alarm)) {
                return answer(response, touch);
            } catch (IOException | HttpException | RuntimeException e) {
                if (alarm.rang()) { // whatever the cut socket threw, the trouble is the deadline
                    throw new StoreUnavailableException("Session Service at " + serviceUri + " did not answer within "
                            + deadline.boundMillis() + " ms (the filter's deadline)", e);
                }
                throw e;
            }
        } catch (StoreUnavailableException e) {
            throw e;
        } catch (IOException | HttpException | RuntimeException e) {
            // The message names the service, never the token (it is in the request, not in the exception).
            throw new StoreUnavailableException("Session Service at " + serviceUri + " did not answer ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    /**
     * Sends the request and reads the answer's head, once more at once when a pooled connection turned out
     * closed by the service (it closes idle ones, and all of them when it restarts): then the other idle
     * connections are closed too, as likely dead, and the retry gets a fresh one. Never retried: a timeout
     * (the filter's timeout still bounds each wait), a refused or unroutable connection, TLS trouble, an answer's body (the same
     * exceptions HttpClient's default retry strategy gave up on), a head over the bounds, nor a connection the deadline cut.
     */
    private ClassicHttpResponse exchange(String token, boolean touch, ValidationDeadline.Alarm alarm)
            throws IOException, HttpException {
        try {
            return requester.execute(service, request(token, touch), timeout, HttpCoreContext.create());
        } catch (InterruptedIOException | ConnectException | NoRouteToHostException | UnknownHostException | SSLException
                 | MessageConstraintException e) {
            throw e;
        } catch (IOException e) {
            if (alarm.rang()) {
                throw e;
            }
            requester.closeIdle(TimeValue.ZERO_MILLISECONDS);
            return requester.execute(service, request(token, touch), timeout, HttpCoreContext.create());
        }
    }

    private ClassicHttpRequest request(String token, boolean touch) {
        BasicClassicHttpRequest request = new BasicClassicHttpRequest(Method.GET, service, touch ? touchPath : validatePath);
        request.addHeader(Headers.SESSION_TOKEN, token);
        request.addHeader(Headers.INCLUDE_SESSION, "true");
        request.addHeader("Accept", "application/json");
        return request;
    }

    private Optional<AuthenticatedSession> answer(ClassicHttpResponse response, boolean touch) throws IOException {
        int status = response.getCode();
        byte[] body = bounded(response.getEntity());
        if (status == 401) {
            return Optional.empty();
        }
        if (status != 200) {
            // Only 401 means "no such session": GET / and GET /validate answer nothing else for a token. A 404
            // is a container with no service at that URL (undeployed, failed, mistyped): trouble, not a refusal.
            throw new StoreUnavailableException("Session Service at " + serviceUri + " answered " + status, null);
        }
        return Optional.of(parse(body, touch));
    }

    /**
     * The answer's bytes, read to the end so the connection goes back to the pool; more than
     * {@link #MAX_ANSWER_BYTES} is trouble, and the connection is then cut: closing the body's stream
     * would read the rest of it, which an endless answer never ends.
     */
    private static byte[] bounded(HttpEntity entity) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        InputStream in = entity.getContent();
        if (entity.getContentLength() > MAX_ANSWER_BYTES) {
            cut(in);
            throw new StoreUnavailableException("Session Service answered " + entity.getContentLength()
                    + " bytes, more than the filter reads (" + MAX_ANSWER_BYTES + ")", null);
        }
        byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
        if (bytes.length > MAX_ANSWER_BYTES) {
            cut(in);
            throw new StoreUnavailableException("Session Service answered more than the filter reads ("
                    + MAX_ANSWER_BYTES + " bytes)", null);
        }
        in.close(); // at the end already: gives the connection back to the pool
        return bytes;
    }

    /** Closes the connection without reading on, and keeps it out of the pool. */
    private static void cut(InputStream in) throws IOException {
        if (in instanceof EofSensorInputStream sensor) {
            sensor.abort(); // drops the connection, reads nothing more
        } else {
            throw new IllegalStateException("the requester no longer wraps an answer's body in EofSensorInputStream");
        }
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
}
