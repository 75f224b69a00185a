package io.sessionservice.filter;

import io.sessionservice.config.ConfigException;
import io.sessionservice.config.ConfigLoader;
import io.sessionservice.config.ServiceConfig;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.protocol.ErrorResponses;
import io.sessionservice.protocol.Headers;
import io.sessionservice.protocol.RequestFirewall;
import io.sessionservice.store.StoreOutageLog;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits only requests that carry a live session token; for another webapp in the same container.
 * Init-parameters (SPEC §8): {@code mode} ({@code store} | {@code remote}), {@code serviceUrl},
 * {@code config}, {@code headerName}, {@code cookieName}, {@code excludePaths}, {@code touch}, and for mode remote
 * {@code timeoutMs}, {@code deadlineMs}, {@code maxConnections}, {@code cacheMillis}, {@code cacheSize}: read when the
 * container made the filter (web.xml, no-arg constructor). Code can instead build it configured,
 * {@code context.addFilter(name, new SessionAuthFilter(validator, resolver, excludePaths, touch))}, the validator
 * wrapped in a {@link CachingTokenValidator} for what {@code cacheMillis} does.
 *
 * <p>An admitted request carries an {@link AuthenticatedSession} in the attribute
 * {@link #SESSION_ATTRIBUTE}, and {@code getUserPrincipal()} / {@code getRemoteUser()} return the
 * session's user id. A refused one gets the state API's 401 body; store trouble a 503. Before any of
 * that, a request path the {@link RequestFirewall} refuses gets a 400: the exclusions are judged on the
 * container's normalised servlet path, which a JAX-RS router reading the raw URI may not agree with.
 */
public class SessionAuthFilter extends HttpFilter {

    public static final String SESSION_ATTRIBUTE = "io.sessionservice.session";

    private static final Logger LOG = LoggerFactory.getLogger(SessionAuthFilter.class);

    /** Built configured by code (init-parameters ignored), or by the container (read from them in init). */
    private final boolean configuredByCode;
    private TokenValidator validator;
    private TokenResolver tokens;
    private List<String> excludePaths;
    private boolean touch;
    private final StoreOutageLog outages = new StoreOutageLog("of SessionAuthFilter", Clock.systemUTC());

    /** For the container: configured by init-parameters in {@link #init(FilterConfig)}. */
    public SessionAuthFilter() {
        this.configuredByCode = false;
    }

    /**
     * A filter configured by code; init-parameters are then ignored. The filter closes {@code validator} when
     * it is destroyed.
     *
     * @param excludePaths path prefixes left unprotected, matched on whole segments ("/public" is "/public/…")
     * @param touch        whether admitting a request extends its session's sliding expiry
     */
    public SessionAuthFilter(TokenValidator validator, TokenResolver tokens, List<String> excludePaths,
                             boolean touch) {
        this.configuredByCode = true;
        this.validator = Objects.requireNonNull(validator, "validator");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.excludePaths = normalised(excludePaths);
        this.touch = touch;
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        super.init(config);
        String context = config.getServletContext().getContextPath().isEmpty()
                ? "/" : config.getServletContext().getContextPath();
        if (configuredByCode) {
            LOG.info("SessionAuthFilter protecting {} with {} ({}, excluded {}, touch {})", context,
                    validator.getClass().getSimpleName(), tokens, excludePaths, touch);
            return;
        }
        tokens = TokenResolver.headerThenCookie(param(config, "headerName", Headers.SESSION_TOKEN),
                param(config, "cookieName", null));
        touch = Boolean.parseBoolean(param(config, "touch", "false"));
        excludePaths = normalised(Arrays.asList(param(config, "excludePaths", "").split(",")));
        String mode = param(config, "mode", "store");
        try {
            validator = switch (mode) {
                case "store" -> new StoreTokenValidator(storeConfig(config));
                case "remote" -> cached(config, remote(config));
                default -> throw new ConfigException("SessionAuthFilter mode must be 'store' or 'remote', not '" + mode + "'");
            };
        } catch (ConfigException e) {
            LOG.error("SessionAuthFilter cannot start: {}", e.getMessage());
            throw new ServletException("SessionAuthFilter cannot start: " + e.getMessage(), e);
        }
        LOG.info("SessionAuthFilter protecting {} in mode {} ({}, excluded {}, touch {}, cacheMillis {})",
                context, mode, tokens, excludePaths, touch, nonNegative(config, "cacheMillis", 0));
    }

    private static List<String> normalised(List<String> excludePaths) {
        return excludePaths.stream()
                .map(String::trim).filter(p -> !p.isEmpty())
                .map(p -> p.startsWith("/") ? p : "/" + p)
                .toList();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Optional<String> firewalled = RequestFirewall.rejection(request.getRequestURI());
        if (firewalled.isPresent()) {
            refuse(response, 400, firewalled.get());
            return;
        }
        if (isExcluded(request)) {
            chain.doFilter(request, response);
            return;
        }
        String token = tokens.token(request);
        if (token == null) {
            refuse(response, 401, ErrorResponses.headerMissing(tokens.header()));
            return;
        }
        Optional<AuthenticatedSession> session;
        try {
            session = validator.validate(token, touch);
        } catch (StoreUnavailableException e) {
            // No line per refused request (a log storm while the store is down): one WARN, summaries, one INFO.
            outages.failed(e);
            outages.answeredUnavailable();
            response.setHeader("Retry-After", ErrorResponses.RETRY_AFTER_SECONDS);
            refuse(response, 503, ErrorResponses.STORE_UNAVAILABLE);
            return;
        }
        outages.succeeded();
        if (session.isEmpty()) {
            refuse(response, 401, ErrorResponses.sessionNotFound(token));
            return;
        }
        request.setAttribute(SESSION_ATTRIBUTE, session.get());
        chain.doFilter(new AuthenticatedRequest(request, session.get().userId()), response);
    }

    @Override
    public void destroy() {
        if (validator != null) {
            validator.close();
        }
    }

    /** Path prefixes match whole segments: "/public" excludes "/public" and "/public/x", not "/publicity". */
    private boolean isExcluded(HttpServletRequest request) {
        if (excludePaths.isEmpty()) {
            return false;
        }
        // Servlet path + path info are decoded and normalised by the container ("/public/../x" is "/x").
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        for (String prefix : excludePaths) {
            String dir = prefix.endsWith("/") ? prefix : prefix + "/";
            if (path.equals(prefix) || path.startsWith(dir)) {
                return true;
            }
        }
        return false;
    }

    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        byte[] bytes = ErrorResponses.stateBody(status, message).toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static ServiceConfig storeConfig(FilterConfig config) {
        String file = param(config, "config", null);
        // An explicit file wins; else the service's own resolution, context parameter included.
        return ConfigLoader.load(file != null ? file : config.getServletContext().getInitParameter(ConfigLoader.PROPERTY),
                file != null);
    }

    private static TokenValidator remote(FilterConfig config) {
        String url = param(config, "serviceUrl", null);
        if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new ConfigException("SessionAuthFilter mode 'remote' needs serviceUrl, the service's base URL "
                    + "(e.g. http://localhost:8080/sessions)");
        }
        long timeoutMs = positive(config, "timeoutMs", ServiceConfig.DEFAULT_TIMEOUT_MS);
        // The whole validation's bound: timeoutMs bounds each wait, a service dripping its answer waits many.
        long deadlineMs = positive(config, "deadlineMs",
                Math.min(timeoutMs, Long.MAX_VALUE / 2) * RemoteTokenValidator.DEFAULT_DEADLINE_TIMEOUTS);
        long maxConnections = positive(config, "maxConnections", RemoteTokenValidator.DEFAULT_MAX_CONNECTIONS);
        return new RemoteTokenValidator(url, Duration.ofMillis(timeoutMs), Duration.ofMillis(deadlineMs),
                (int) Math.min(maxConnections, 10_000));
    }

    /** {@code validator}, or it behind a cache of positive answers when init-parameter cacheMillis is above 0. */
    private static TokenValidator cached(FilterConfig config, TokenValidator validator) {
        long cacheMillis = nonNegative(config, "cacheMillis", 0);
        if (cacheMillis == 0) {
            return validator;
        }
        return new CachingTokenValidator(validator, Duration.ofMillis(cacheMillis),
                positive(config, "cacheSize", CachingTokenValidator.DEFAULT_MAX_ENTRIES));
    }

    private static long positive(FilterConfig config, String name, long fallback) {
        long value = nonNegative(config, name, fallback);
        if (value == 0) {
            throw new ConfigException("SessionAuthFilter " + name + " must be a positive whole number");
        }
        return value;
    }

    private static long nonNegative(FilterConfig config, String name, long fallback) {
        String v = param(config, name, null);
        try {
            long value = v == null ? fallback : Long.parseLong(v);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("SessionAuthFilter " + name + " must be a whole number of at least 0, not '" + v + "'");
    }

    private static String param(FilterConfig config, String name, String fallback) {
        String v = config.getInitParameter(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    /** The request as the protected webapp sees it: the session's user is its principal. */
    private static final class AuthenticatedRequest extends HttpServletRequestWrapper {
        private final String userId;

        AuthenticatedRequest(HttpServletRequest request, String userId) {
            super(request);
            this.userId = userId;
        }

        @Override
        public String getRemoteUser() {
            return userId;
        }

        @Override
        public Principal getUserPrincipal() {
            return userId == null ? null : new SessionPrincipal(userId);
        }

        @Override
        public String getAuthType() {
            return "SESSION_TOKEN";
        }
    }

    /** The principal of an admitted request: the session's user id. */
    public record SessionPrincipal(String getName) implements Principal {
    }
}
