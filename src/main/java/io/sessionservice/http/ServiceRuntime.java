package io.sessionservice.http;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sessionservice.config.ServiceConfig;
import io.sessionservice.core.SessionService;
import io.sessionservice.core.SessionStore;
import io.sessionservice.protocol.StateFields;
import io.sessionservice.store.SessionStores;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;

/** Everything one deployed service holds: config, store, rules, metrics. One per webapp. */
public final class ServiceRuntime implements AutoCloseable {

    static final String ATTRIBUTE = ServiceRuntime.class.getName();

    private final ServiceConfig config;
    private final SessionStore store;
    private final SessionService sessions;
    private final Credentials credentials;
    private final JsonBodies bodies;
    private final PrometheusMeterRegistry metrics;
    private final AuditLog audit;

    public ServiceRuntime(ServiceConfig config, SessionStore store, Clock clock) {
        this.config = config;
        this.store = store;
        this.sessions = new SessionService(store, clock, config.sessionExpirySec(), config.maxTtlSec(),
                config.limits(), StateFields.SERVER_MANAGED, config.tokensAtRest());
        this.credentials = new Credentials(config.keys());
        this.bodies = new JsonBodies(config.maxBodyBytes());
        this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.audit = new AuditLog(config.auditEnabled(), clock);
        metrics.gauge("sessions_live", store, s -> s.liveCount().orElse(-1));
    }

    public static ServiceRuntime open(ServiceConfig config) {
        Clock clock = Clock.systemUTC();
        return new ServiceRuntime(config, SessionStores.open(config, clock), clock);
    }

    static ServiceRuntime from(ServletContext context) {
        return (ServiceRuntime) context.getAttribute(ATTRIBUTE);
    }

    public ServiceConfig config() {
        return config;
    }

    public SessionService sessions() {
        return sessions;
    }

    public SessionStore store() {
        return store;
    }

    public Credentials credentials() {
        return credentials;
    }

    public JsonBodies bodies() {
        return bodies;
    }

    /** Checks an x-key where one is required; a refusal (401) is audited. */
    public void checkKey(String key, HttpServletRequest request) {
        try {
            credentials.check(key);
        } catch (Credentials.Refused refused) {
            audit.keyRefused(AuditLog.Client.of(request), refused.missing(),
                    request.getMethod() + " " + request.getRequestURI());
            throw refused;
        }
    }

    public AuditLog audit() {
        return audit;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    @Override
    public void close() {
        store.close();
        metrics.close();
    }
}
