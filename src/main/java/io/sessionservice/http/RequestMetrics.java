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

/** Counts and times every request by operation (resource method) and status. */
@Provider
public class RequestMetrics implements ContainerRequestFilter, ContainerResponseFilter {

    private static final String START = RequestMetrics.class.getName() + ".start";

    private final ServiceRuntime runtime;
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
        String operation = resource == null || resource.getResourceMethod() == null
                ? "unmatched" : resource.getResourceMethod().getName();
        Timer.builder("session_requests")
                .description("HTTP requests by operation and status")
                .tag("operation", operation)
                .tag("status", Integer.toString(response.getStatus()))
                .register(runtime.metrics())
                .record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
