package io.sessionservice.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.store.StoreOutageLog;
import io.sessionservice.testing.LogLines;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SessionAuthFilter} built by code, against a hand-written validator and servlet doubles. */
class SessionAuthFilterTest {

    static final String TOKEN = "tok_0123456789abcdef";
    static final AuthenticatedSession ALICE = new AuthenticatedSession("alice",
            JsonNodeFactory.instance.objectNode().put("AccountId", "alice"), Instant.parse("2030-01-01T00:00:00Z"), 600);

    /** Knows a fixed set of live tokens; records what it was asked; can report store trouble. */
    static final class FixedValidator implements TokenValidator {
        final Map<String, AuthenticatedSession> live = new HashMap<>();
        final List<String> asked = new ArrayList<>();
        boolean storeDown;
        boolean closed;

        @Override
        public Optional<AuthenticatedSession> validate(String token, boolean touch) {
            asked.add(token + (touch ? " touch" : ""));
            if (storeDown) {
                throw new StoreUnavailableException("test store down", null);
            }
            return Optional.ofNullable(live.get(token));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    final FixedValidator validator = new FixedValidator();
    HttpServletRequest passed;

    {
        validator.live.put(TOKEN, ALICE);
    }

    SessionAuthFilter filter(String cookie, List<String> excluded, boolean touch) {
        return new SessionAuthFilter(validator, TokenResolver.headerThenCookie("x-session-token", cookie), excluded,
                touch);
    }

    ServletDoubles.Response run(SessionAuthFilter filter, ServletDoubles.Request request)
            throws IOException, ServletException {
        ServletDoubles.Response response = new ServletDoubles.Response();
        filter.doFilter(request.proxy(), response.proxy(), (req, res) -> passed = (HttpServletRequest) req);
        return response;
    }

    static void assertRefused(ServletDoubles.Response r, int status, String body) {
        assertEquals(status, r.status);
        assertEquals("application/json", r.contentType);
        assertEquals(body, r.bodyText());
        assertEquals(r.body.size(), r.contentLength);
    }

    @Test
    void aRequestWithoutTheHeaderIsRefusedNamingIt() throws Exception {
        ServletDoubles.Response r = run(filter(null, List.of(), false), new ServletDoubles.Request());
        assertRefused(r, 401, "{\"code\":\"UnauthorizedError\",\"message\":\"Header x-session-token is missing\"}");
        assertNull(passed);
        assertTrue(validator.asked.isEmpty());
    }

    @Test
    void anUnknownTokenIsRefusedWithTheExactMessage() throws Exception {
        ServletDoubles.Response r = run(filter(null, List.of(), false),
                new ServletDoubles.Request().header("x-session-token", "unknown_token_1234"));
        assertRefused(r, 401,
                "{\"code\":\"UnauthorizedError\",\"message\":\"Session with token:'unknown_token_1234' was not found\"}");
        assertNull(passed);
    }

    @Test
    void anAdmittedRequestCarriesTheSessionAndItsUser() throws Exception {
        ServletDoubles.Request request = new ServletDoubles.Request().header("x-session-token", TOKEN);
        ServletDoubles.Response r = run(filter(null, List.of(), false), request);
        assertEquals(200, r.status);
        assertEquals(0, r.body.size());
        assertEquals("alice", passed.getRemoteUser());
        assertEquals("alice", passed.getUserPrincipal().getName());
        assertEquals("SESSION_TOKEN", passed.getAuthType());
        assertSame(ALICE, request.attributes.get(SessionAuthFilter.SESSION_ATTRIBUTE));
        assertEquals(List.of(TOKEN), validator.asked);
    }

    @Test
    void aSessionWithoutOwnerIsAdmittedWithoutPrincipal() throws Exception {
        validator.live.put(TOKEN, new AuthenticatedSession(null, JsonNodeFactory.instance.objectNode(),
                Instant.parse("2030-01-01T00:00:00Z"), 600));
        run(filter(null, List.of(), false), new ServletDoubles.Request().header("x-session-token", TOKEN));
        assertNull(passed.getRemoteUser());
        assertNull(passed.getUserPrincipal());
    }

    @Test
    void touchIsPassedToTheValidator() throws Exception {
        run(filter(null, List.of(), true), new ServletDoubles.Request().header("x-session-token", TOKEN));
        assertEquals(List.of(TOKEN + " touch"), validator.asked);
    }

    @Test
    void theCookieIsReadWhenTheHeaderIsAbsentOrEmpty() throws Exception {
        SessionAuthFilter filter = filter("sid", List.of(), false);
        run(filter, new ServletDoubles.Request().cookies(new Cookie("other", "x"), new Cookie("sid", TOKEN)));
        assertEquals("alice", passed.getRemoteUser());
        passed = null;
        run(filter, new ServletDoubles.Request().header("x-session-token", "").cookies(new Cookie("sid", TOKEN)));
        assertEquals("alice", passed.getRemoteUser());
    }

    @Test
    void theHeaderWinsOverTheCookie() throws Exception {
        ServletDoubles.Response r = run(filter("sid", List.of(), false), new ServletDoubles.Request()
                .header("x-session-token", "unknown_token_1234").cookies(new Cookie("sid", TOKEN)));
        assertEquals(401, r.status);
        assertEquals(List.of("unknown_token_1234"), validator.asked);
    }

    @Test
    void noCookieIsReadUnlessOneIsNamed() throws Exception {
        ServletDoubles.Response r = run(filter(null, List.of(), false),
                new ServletDoubles.Request().cookies(new Cookie("x-session-token", TOKEN)));
        assertEquals(401, r.status);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/public", "/public/", "/public/page.html", "/health"})
    void excludedPathsPassWithoutAToken(String path) throws Exception {
        ServletDoubles.Response r = run(filter(null, List.of("public", " /health "), false),
                new ServletDoubles.Request().path(path));
        assertEquals(200, r.status);
        assertEquals(path, passed.getServletPath());
        assertTrue(validator.asked.isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/publicity", "/pub", "/x/public", "/healthz"})
    void exclusionsMatchWholeSegmentsOnly(String path) throws Exception {
        ServletDoubles.Response r = run(filter(null, List.of("/public", "/health"), false),
                new ServletDoubles.Request().path(path));
        assertEquals(401, r.status);
        assertNull(passed);
    }

    @Test
    void exclusionsAreJudgedOnServletPathPlusPathInfo() throws Exception {
        ServletDoubles.Request request = new ServletDoubles.Request().path("/public");
        request.pathInfo = "/a";
        request.requestUri = "/app/public/a";
        run(filter(null, List.of("/public/a"), false), request);
        assertEquals("/public", passed.getServletPath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/app/public/../secret", "/app/public/%2e%2e/secret", "/app//public", "/app/public;x=1"})
    void aPathTheFirewallRefusesIsA400EvenWhereExcluded(String rawUri) throws Exception {
        ServletDoubles.Request request = new ServletDoubles.Request().path("/public").header("x-session-token", TOKEN);
        request.requestUri = rawUri;
        ServletDoubles.Response r = run(filter(null, List.of("/public"), false), request);
        assertEquals(400, r.status);
        assertEquals("application/json", r.contentType);
        assertTrue(r.bodyText().startsWith("{\"code\":\"BadRequestError\",\"message\":\"The request path contains "),
                r.bodyText());
        assertNull(passed);
        assertTrue(validator.asked.isEmpty());
    }

    @Test
    void storeTroubleLogsOnceNotPerRequest() throws Exception {
        SessionAuthFilter filter = filter(null, List.of(), false);
        try (LogLines log = LogLines.of(StoreOutageLog.class)) {
            validator.storeDown = true;
            for (int i = 0; i < 50; i++) {
                assertEquals(503, run(filter, new ServletDoubles.Request().header("x-session-token", TOKEN)).status);
            }
            assertEquals(List.of("WARN Session store of SessionAuthFilter unavailable (test store down); requests get "
                    + "503 until it answers, a summary follows at most every 10 s"), log.lines());
            validator.storeDown = false;
            run(filter, new ServletDoubles.Request().header("x-session-token", TOKEN));
            assertEquals(2, log.lines().size(), log.lines()::toString);
            assertTrue(log.lines().get(1).startsWith("INFO Session store of SessionAuthFilter is back"), log.lines()::toString);
        }
    }

    @Test
    void storeTroubleIsA503WithRetryAfter() throws Exception {
        validator.storeDown = true;
        ServletDoubles.Response r = run(filter(null, List.of(), false),
                new ServletDoubles.Request().header("x-session-token", TOKEN));
        assertRefused(r, 503,
                "{\"code\":\"ServiceUnavailableError\",\"message\":\"Session store is unavailable; retry shortly\"}");
        assertEquals("1", r.headers.get("Retry-After"));
        assertNull(passed);
    }

    @Test
    void destroyClosesTheValidator() {
        filter(null, List.of(), false).destroy();
        assertTrue(validator.closed);
    }

    @Test
    void anotherHeaderCanCarryTheToken() throws Exception {
        SessionAuthFilter filter = new SessionAuthFilter(validator, TokenResolver.headerThenCookie("Authorization-Token", null),
                List.of(), false);
        ServletDoubles.Response r = run(filter, new ServletDoubles.Request());
        assertRefused(r, 401, "{\"code\":\"UnauthorizedError\",\"message\":\"Header Authorization-Token is missing\"}");
        run(filter, new ServletDoubles.Request().header("authorization-token", TOKEN));
        assertEquals("alice", passed.getRemoteUser());
    }

    @Test
    void aFilterBuiltByCodeIgnoresInitParameters() throws Exception {
        ServletContext context = (ServletContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServletContext.class}, (self, method, args) -> switch (method.getName()) {
                    case "getContextPath" -> "/app";
                    case "log" -> null;
                    default -> throw new UnsupportedOperationException("context double: " + method.getName());
                });
        // Read, these would fail init (unknown mode) and move the token to another header.
        Map<String, String> params = Map.of("mode", "bogus", "headerName", "other-header");
        FilterConfig config = (FilterConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {FilterConfig.class}, (self, method, args) -> switch (method.getName()) {
                    case "getInitParameter" -> params.get((String) args[0]);
                    case "getServletContext" -> context;
                    case "getFilterName" -> "session-auth";
                    default -> throw new UnsupportedOperationException("config double: " + method.getName());
                });
        SessionAuthFilter filter = filter(null, List.of(), false);
        filter.init(config);
        run(filter, new ServletDoubles.Request().header("x-session-token", TOKEN));
        assertEquals("alice", passed.getRemoteUser());
    }
}
