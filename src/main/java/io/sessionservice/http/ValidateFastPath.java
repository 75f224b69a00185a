package io.sessionservice.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Json;
import io.sessionservice.core.Session;
import io.sessionservice.protocol.ErrorResponses;
import io.sessionservice.protocol.Headers;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Answers the plain {@code GET /validate} without Jersey. Why: {@code SessionAuthFilter}'s remote mode asks it
 * once per request it guards: in JFR profiles of that benchmark the service's request through Jersey (routing,
 * HK2 injection, its filters, entity writing) was about 40 % of Tomcat's request-thread samples, answered here
 * about 11 % (README, "Remote mode and GET /validate after the fast path").
 *
 * <p>The answer is {@link StateResource#validate}'s, from the same parts: {@link Representations#validation},
 * the state dialect's error bodies, {@link ErrorMapper#failure} for store trouble (503 + Retry-After, logged
 * and counted), the same {@code session_requests} timer. Only the request shape every client sends is taken
 * here: {@code GET}, path exactly {@code <context>/validate}, no query, no Content-Type, no Accept or one
 * Accept of {@code application/json} or {@code *}{@code /*}. Any other request goes on to Jersey untouched, so
 * HEAD, OPTIONS, other methods, other paths, odd or malformed headers keep Jersey's answers exactly.
 *
 * <p>Mapped after {@link ContainerEdgeFilter} (web.xml), which has refused odd paths and drains the body after.
 */
public class ValidateFastPath extends HttpFilter {

    /** Jersey's answers up to this size carry a Content-Length; larger ones are streamed (its default buffer). */
    static final int JERSEY_CONTENT_LENGTH_BUFFER = 8192;
    private static final String OPERATION = "validate"; // StateResource's method name, as RequestMetrics tags it
    private static final String PATH = "/validate";
    private static final String JSON = "application/json";

    private ServiceRuntime runtime;

    @Override
    public void init() {
        runtime = ServiceRuntime.from(getServletContext()); // ServiceBootstrap, a listener, has run before
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (runtime == null || !isPlainValidate(request)) {
            chain.doFilter(request, response);
            return;
        }
        long start = System.nanoTime();
        String token = request.getHeader(Headers.SESSION_TOKEN); // the first one, as Jersey's @HeaderParam takes
        int status;
        ObjectNode body;
        if (token == null || token.isEmpty()) {
            status = 401;
            body = ErrorResponses.stateBody(status, ErrorResponses.headerMissing(Headers.SESSION_TOKEN));
        } else {
            try {
                Optional<Session> session = runtime.sessions().validate(token);
                status = session.isPresent() ? 200 : 401;
                body = session.isPresent()
                        ? Representations.validation(session.get(), request.getHeader(Headers.INCLUDE_SESSION))
                        : ErrorResponses.stateBody(status, ErrorResponses.sessionNotFound(token));
            } catch (RuntimeException e) {
                ErrorMapper.Failure failure = ErrorMapper.failure(e, runtime);
                status = failure.status();
                body = ErrorResponses.stateBody(status, failure.message());
            }
        }
        runtime.requestTimer(OPERATION, status).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        write(response, status, Json.MAPPER.writeValueAsBytes(body));
    }

    static boolean isPlainValidate(HttpServletRequest request) {
        if (!"GET".equals(request.getMethod()) || request.getQueryString() != null
                || request.getHeader("Content-Type") != null) {
            return false;
        }
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        if (uri.length() != context.length() + PATH.length() || !uri.endsWith(PATH) || !uri.startsWith(context)) {
            return false;
        }
        Enumeration<String> accepts = request.getHeaders("Accept");
        if (accepts == null || !accepts.hasMoreElements()) {
            return true;
        }
        String accept = accepts.nextElement();
        return (JSON.equals(accept) || "*/*".equals(accept)) && !accepts.hasMoreElements();
    }

    /** As Jersey's servlet writes an answer: status, type, Retry-After on a 503, the length when it buffered it all. */
    private static void write(HttpServletResponse response, int status, byte[] bytes) throws IOException {
        response.setStatus(status);
        response.setContentType(JSON);
        if (status == 503) {
            response.setHeader("Retry-After", ErrorResponses.RETRY_AFTER_SECONDS);
        }
        if (bytes.length <= JERSEY_CONTENT_LENGTH_BUFFER) {
            response.setContentLength(bytes.length);
        }
        // A larger answer is streamed as Jersey streamed it: in pieces of its buffer, then flushed, which commits
        // it without a length (Jetty would otherwise still count the bytes it holds and send a Content-Length).
        var out = response.getOutputStream();
        for (int from = 0; from < bytes.length; from += JERSEY_CONTENT_LENGTH_BUFFER) {
            out.write(bytes, from, Math.min(JERSEY_CONTENT_LENGTH_BUFFER, bytes.length - from));
        }
        if (bytes.length > JERSEY_CONTENT_LENGTH_BUFFER) {
            out.flush();
        }
    }
}
