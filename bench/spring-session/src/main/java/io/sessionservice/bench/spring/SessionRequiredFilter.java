package io.sessionservice.bench.spring;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Runs after Spring's {@code SessionRepositoryFilter}: answers 401 unless the request carries the id of a
 * live session, the same admission rule as SessionAuthFilter. {@code POST /login} creates a session (the
 * benchmark's stand-in for a login) and answers with its id, which Spring also sends in {@code X-Auth-Token}.
 */
public class SessionRequiredFilter extends HttpFilter {

    static final String LOGIN_PATH = "/login";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (LOGIN_PATH.equals(request.getServletPath()) && "POST".equals(request.getMethod())) {
            String id = request.getSession(true).getId();
            response.setContentType("text/plain");
            response.getWriter().print(id);
            return;
        }
        if (request.getSession(false) == null) {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setContentType("application/json");
            response.getWriter().print("{\"status\":401,\"message\":\"no session\"}");
            return;
        }
        chain.doFilter(request, response);
    }
}
