package io.sessionservice.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Answers a malformed Content-Type header with a JSON 400. Jersey's servlet parses that header
 * before the application runs and would answer an empty 400, out of reach of JAX-RS filters.
 */
public class ContentTypeGuard extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String contentType = request.getHeader("Content-Type");
        if (contentType != null) {
            try {
                MediaType.valueOf(contentType);
            } catch (IllegalArgumentException e) {
                byte[] body = ErrorResponses.stateBody(400, "Malformed Content-Type header").toString()
                        .getBytes(StandardCharsets.UTF_8);
                response.setStatus(400);
                response.setContentType("application/json");
                response.setContentLength(body.length);
                response.getOutputStream().write(body);
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
