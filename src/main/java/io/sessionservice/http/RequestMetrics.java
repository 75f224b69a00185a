package io.sessionservice.http;

import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import io.sessionservice.store.MeteredSessionStore;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Counts and times every request by operation (resource method) and status, as a histogram with buckets
 * at the SLO thresholds {@link #SLO_BUCKETS}. Both labels are bounded whatever the requests hold: the
 * operation is the name of the resource method that answered ("unmatched" for no route), never the
 * path; the status is the HTTP status.
 */
@Provider
public class RequestMetrics implements ContainerRequestFilter, ContainerResponseFilter {

    private static final String START = RequestMetrics.class.getName() + ".start";
    /** 1, 2, 5, 10, 25, 50, 100, 250 ms: where latency objectives are usually drawn. */
    static final Duration[] SLO_BUCKETS = MeteredSessionStore.buckets(1, 2, 5, 10, 25, 50, 100, 250);

    private final ServiceRuntime runtime;
    /**
     * The timers already registered, by operation and status: building a Meter.Id and asking the registry
     * for it on every request showed in JFR profiles of the hot paths; a map lookup does not.
     */
    private final ConcurrentMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    @Context
    private ResourceInfo resource;

    @Inject
    public RequestMetrics(ServiceRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(START, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object start = request.getProperty(START);
        if (!(start instanceof Long startNanos)) {
            return;
        }
        Method method = matched(request);
        String operation = method == null ? "unmatched" : method.getName();
        timers.computeIfAbsent(new TimerKey(operation, response.getStatus()), this::register)
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The resource method that served the request. Jersey's UriInfo of a request is its routing context, which
     * is the ResourceInfo too: read from there, as each call on the injected ResourceInfo proxy had HK2 build
     * a fresh instance (JFR). The proxy stays as the fallback for another Jersey.
     */
    private Method matched(ContainerRequestContext request) {
        if (request.getUriInfo() instanceof ResourceInfo routing) {
            return routing.getResourceMethod();
        }
        return resource == null ? null : resource.getResourceMethod();
    }

    private Timer register(TimerKey key) {
        return Timer.builder("session_requests")
                .description("HTTP requests by operation and status")
                .tag("operation", key.operation())
                .tag("status", Integer.toString(key.status()))
                .serviceLevelObjectives(SLO_BUCKETS)
                .register(runtime.metrics());
    }

    private record TimerKey(String operation, int status) {
    }
}
