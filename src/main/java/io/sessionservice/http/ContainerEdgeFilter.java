package io.sessionservice.http;

import io.sessionservice.protocol.ErrorResponses;
import io.sessionservice.protocol.RequestFirewall;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/**
 * What the servlet containers need around Jersey, so every answer reaches the client as JSON:
 * <ul>
 * <li>First of all, a request path the {@link RequestFirewall} refuses gets a 400
 * ({@code BadRequestError}) and reaches nothing else.</li>
 * <li>An unparseable Content-Type is replaced by {@link #UNPARSEABLE}: Jersey's servlet would answer
 * it with an empty 400 before the application runs; this way the body reader answers the 415 in the
 * caller's dialect.</li>
 * <li>After the answer, what is left of the request body is read and dropped (up to
 * {@link #DRAIN_LIMIT}): Jetty closes a connection with unread body bytes, and the reset can destroy
 * the answer (a 413 or 401 given before the body was read) on its way to the client.</li>
 * </ul>
 */
public class ContainerEdgeFilter extends HttpFilter {

    /** Stands in for a Content-Type header that cannot be parsed; never JSON, so a body gets 415. */
    static final String UNPARSEABLE = "application/x-unparseable-content-type";
    /** Bodies larger than this are left to the container (which may close the connection). */
    static final long DRAIN_LIMIT = 4L * 1024 * 1024;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Optional<String> refused = RequestFirewall.rejection(request.getRequestURI());
        if (refused.isPresent()) {
            byte[] body = ErrorResponses.stateBody(400, refused.get()).toString().getBytes(StandardCharsets.UTF_8);
            response.setStatus(400);
            response.setContentType("application/json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            drain(request);
            return;
        }
        String contentType = request.getHeader("Content-Type");
        HttpServletRequest forward = request;
        if (contentType != null && !parses(contentType)) {
            forward = new ReplacedContentType(request);
        }
        chain.doFilter(forward, response);
        drain(request);
    }

    private static boolean parses(String contentType) {
        try {
            MediaType.valueOf(contentType);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void drain(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        if (declared > DRAIN_LIMIT) {
            return;
        }
        try {
            ServletInputStream in = request.getInputStream();
            // Nearly every request has no body left: find that out without allocating a buffer.
            if (in.read() == -1) {
                return;
            }
            byte[] buffer = new byte[8192];
            long total = 1;
            int n;
            while (total < DRAIN_LIMIT && (n = in.read(buffer)) != -1) {
                total += n;
            }
        } catch (IOException | IllegalStateException e) {
            // Nothing more to do: the client went away, or the body was taken as a reader.
        }
    }

    /** The request with its Content-Type replaced by {@link #UNPARSEABLE}. */
    private static final class ReplacedContentType extends HttpServletRequestWrapper {
        ReplacedContentType(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getContentType() {
            return UNPARSEABLE;
        }

        @Override
        public String getCharacterEncoding() {
            return null;
        }

        @Override
        public String getHeader(String name) {
            return "Content-Type".equalsIgnoreCase(name) ? UNPARSEABLE : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return "Content-Type".equalsIgnoreCase(name)
                    ? Collections.enumeration(List.of(UNPARSEABLE)) : super.getHeaders(name);
        }
    }
}
