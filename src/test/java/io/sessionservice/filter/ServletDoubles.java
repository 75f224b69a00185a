package io.sessionservice.filter;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Minimal servlet request/response stand-ins for unit-testing a filter outside a container: only what
 * {@link SessionAuthFilter} reads or writes; any other call fails the test (so a new dependency is noticed).
 */
final class ServletDoubles {

    private ServletDoubles() {
    }

    /** A request: its raw URI, servlet path and path info as a container would give them, headers, cookies. */
    static final class Request {
        String requestUri = "/app/x";
        String servletPath = "/x";
        String pathInfo;
        final Map<String, String> headers = new HashMap<>();
        Cookie[] cookies;
        final Map<String, Object> attributes = new HashMap<>();

        Request path(String servletPath) {
            this.servletPath = servletPath;
            this.requestUri = "/app" + servletPath;
            return this;
        }

        Request header(String name, String value) {
            headers.put(name.toLowerCase(Locale.ROOT), value);
            return this;
        }

        Request cookies(Cookie... cookies) {
            this.cookies = cookies;
            return this;
        }

        HttpServletRequest proxy() {
            InvocationHandler h = (self, method, args) -> switch (method.getName()) {
                case "getRequestURI" -> requestUri;
                case "getServletPath" -> servletPath;
                case "getPathInfo" -> pathInfo;
                case "getHeader" -> headers.get(((String) args[0]).toLowerCase(Locale.ROOT));
                case "getCookies" -> cookies;
                case "getAttribute" -> attributes.get((String) args[0]);
                case "setAttribute" -> attributes.put((String) args[0], args[1]);
                case "getRemoteUser", "getUserPrincipal", "getAuthType" -> null;
                case "toString" -> "Request " + requestUri;
                case "hashCode" -> System.identityHashCode(self);
                case "equals" -> self == args[0];
                default -> throw new UnsupportedOperationException("request double: " + method.getName());
            };
            return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, h);
        }
    }

    /** A response that records status, headers, content type and body. */
    static final class Response {
        int status = 200;
        String contentType;
        long contentLength = -1;
        final Map<String, String> headers = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        String bodyText() {
            return body.toString(StandardCharsets.UTF_8);
        }

        HttpServletResponse proxy() {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public void write(int b) {
                    body.write(b);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
            InvocationHandler h = (self, method, args) -> switch (method.getName()) {
                case "setStatus" -> {
                    status = (Integer) args[0];
                    yield null;
                }
                case "setHeader" -> headers.put((String) args[0], (String) args[1]);
                case "setContentType" -> {
                    contentType = (String) args[0];
                    yield null;
                }
                case "setContentLength" -> {
                    contentLength = (Integer) args[0];
                    yield null;
                }
                case "getOutputStream" -> out;
                case "toString" -> "Response " + status;
                case "hashCode" -> System.identityHashCode(self);
                case "equals" -> self == args[0];
                default -> throw new UnsupportedOperationException("response double: " + method.getName());
            };
            return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, h);
        }
    }
}
