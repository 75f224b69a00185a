package io.sessionservice.http;

import jakarta.inject.Singleton;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.core.Context;
import java.util.function.Supplier;
import org.glassfish.jersey.internal.inject.AbstractBinder;

/**
 * Hands resources and providers the webapp's {@link ServiceRuntime} by injection. The runtime is opened by
 * {@link ServiceBootstrap} before Jersey starts and kept in the servlet context; this is the one place that
 * reads it from there.
 */
final class ServiceBinder extends AbstractBinder {

    @Override
    protected void configure() {
        bindFactory(RuntimeFromContext.class, Singleton.class).to(ServiceRuntime.class).in(Singleton.class);
    }

    /** The runtime {@link ServiceBootstrap} put in the servlet context. */
    static final class RuntimeFromContext implements Supplier<ServiceRuntime> {

        @Context
        private ServletContext context;

        @Override
        public ServiceRuntime get() {
            ServiceRuntime runtime = ServiceRuntime.from(context);
            if (runtime == null) {
                throw new IllegalStateException("No ServiceRuntime: ServiceBootstrap must be the webapp's listener");
            }
            return runtime;
        }
    }
}
