package io.sessionservice.http;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sessionservice.config.ServiceConfig;
import io.sessionservice.core.SessionService;
import io.sessionservice.core.SessionStore;
import io.sessionservice.protocol.StateFields;
import io.sessionservice.store.SessionStores;
import jakarta.servlet.ServletContext;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Everything one deployed service holds: config, store, rules, metrics. One per webapp. */
public final class ServiceRuntime implements AutoCloseable {

    static final String ATTRIBUTE = ServiceRuntime.class.getName();

    private final ServiceConfig config;
    private final SessionStore store;
    private final SessionService sessions;
    private final Credentials credentials;
    private final JsonBodies bodies;
    private final PrometheusMeterRegistry metrics;
    /**
     * The request timers already registered, by operation and status: building a Meter.Id and asking the
     * registry for it on every request showed in JFR profiles of the hot paths; a map lookup does not.
     */
    private final ConcurrentMap<TimerKey, Timer> requestTimers = new ConcurrentHashMap<>();

    public ServiceRuntime(ServiceConfig config, SessionStore store, Clock clock) {
        this.config = config;
        this.store = store;
        this.sessions = new SessionService(store, clock, config.sessionExpirySec(), config.maxTtlSec(),
                config.limits(), StateFields.SERVER_MANAGED);
        this.credentials = new Credentials(config.keys());
        this.bodies = new JsonBodies(config.maxBodyBytes());
        this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
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

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /** The {@code session_requests} timer of one operation (resource method name) and status. */
    Timer requestTimer(String operation, int status) {
        return requestTimers.computeIfAbsent(new TimerKey(operation, status), key -> Timer.builder("session_requests")
                .description("HTTP requests by operation and status")
                .tag("operation", key.operation())
                .tag("status", Integer.toString(key.status()))
                .register(metrics));
    }

    private record TimerKey(String operation, int status) {
    }

    @Override
    public void close() {
        store.close();
        metrics.close();
    }
}
