package io.sessionservice.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sessionservice.config.ServiceConfig;
import io.sessionservice.core.SessionService;
import io.sessionservice.core.SessionStore;
import io.sessionservice.protocol.StateFields;
import io.sessionservice.store.MeteredSessionStore;
import io.sessionservice.store.SessionStores;
import io.sessionservice.store.StoreMeters;
import io.sessionservice.store.StoreOutageLog;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;

/**
 * Everything one deployed service holds: config, store, rules, metrics. One per webapp. The store the
 * service uses is the configured one inside a {@link MeteredSessionStore} (timings, errors, the
 * {@link StoreOutageLog}); the store's own meters come through {@link StoreMeters}.
 */
public final class ServiceRuntime implements AutoCloseable {

    static final String ATTRIBUTE = ServiceRuntime.class.getName();

    private final ServiceConfig config;
    private final SessionStore store;
    private final SessionService sessions;
    private final Credentials credentials;
    private final JsonBodies bodies;
    private final PrometheusMeterRegistry metrics;
    private final AuditLog audit;
    private final StoreOutageLog outages;
    /** Closed with the runtime: it listens to the JVM's GC notifications. */
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    /** {@code configured}: the store the config names, opened; the runtime measures and closes it. */
    public ServiceRuntime(ServiceConfig config, SessionStore configured, Clock clock) {
        this.config = config;
        this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.outages = new StoreOutageLog(config.storeType(), clock);
        this.store = new MeteredSessionStore(configured, outages, metrics);
        this.sessions = new SessionService(store, clock, config.sessionExpirySec(), config.maxTtlSec(),
                config.limits(), StateFields.SERVER_MANAGED, config.tokensAtRest());
        this.credentials = new Credentials(config.keys());
        this.bodies = new JsonBodies(config.maxBodyBytes());
        this.audit = new AuditLog(config.auditEnabled(), clock);
        Gauge.builder("sessions_live", store, s -> s.liveCount().orElse(-1))
                .description("Live sessions in the store (-1 where the store cannot tell cheaply)").register(metrics);
        Gauge.builder("session_store_up", outages, o -> o.down() ? 0 : 1)
                .description("0 while the store's last answer was a failure (store unavailable), else 1")
                .register(metrics);
        new JvmMemoryMetrics().bindTo(metrics);
        gcMetrics.bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ClassLoaderMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);
        new FileDescriptorMetrics().bindTo(metrics);
        StoreMeters.of(configured).bindTo(metrics);
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

    /** What the log says about store outages; the HTTP layer reports its 503 answers here. */
    public StoreOutageLog outages() {
        return outages;
    }

    @Override
    public void close() {
        store.close();
        gcMetrics.close();
        metrics.close();
    }
}
