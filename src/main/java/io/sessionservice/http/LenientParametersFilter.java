package io.sessionservice.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;

/**
 * Jersey's servlet asks the container for the request parameters of a form-typed request without a body;
 * Jetty then decodes the query string and throws on bytes that are not UTF-8 ({@code ?user_id=%80}),
 * answering an empty 400 before the application runs. The service reads no form parameters (Jersey decodes
 * the query itself), so here a query the container cannot decode simply has none, and the request reaches
 * the API, which answers in its own JSON.
 */
public class LenientParametersFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(new LenientParameters(request), response);
    }

    private static final class LenientParameters extends HttpServletRequestWrapper {
        LenientParameters(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getParameter(String name) {
            try {
                return super.getParameter(name);
            } catch (RuntimeException undecodable) {
                return null;
            }
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            try {
                return super.getParameterMap();
            } catch (RuntimeException undecodable) {
                return Map.of();
            }
        }

        @Override
        public Enumeration<String> getParameterNames() {
            try {
                return super.getParameterNames();
            } catch (RuntimeException undecodable) {
                return Collections.emptyEnumeration();
            }
        }

        @Override
        public String[] getParameterValues(String name) {
            try {
                return super.getParameterValues(name);
            } catch (RuntimeException undecodable) {
                return null;
            }
        }
    }
}
