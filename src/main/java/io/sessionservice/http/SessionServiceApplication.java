package io.sessionservice.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionservice.core.Json;
import jakarta.ws.rs.ext.ContextResolver;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletProperties;

/** The Jersey application: both API dialects, operations endpoints, one error mapper, metrics. */
public class SessionServiceApplication extends ResourceConfig {

    public SessionServiceApplication() {
        register(new ServiceBinder());
        register(StateResource.class);
        register(UserSessionResource.class);
        register(OperationsResource.class);
        register(ConsoleResource.class);
        register(ErrorMapper.class);
        register(RequestMetrics.class);
        register(MalformedHeaderFilter.class);
        register(JacksonFeature.withoutExceptionMappers());
        register(JsonMapperResolver.class);
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        // Keep our JSON error bodies: without this Jersey uses sendError and the container's HTML page.
        property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        property(ServerProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        // No form parameters (nothing here reads them): else Jersey takes the query of a form-typed request
        // without a body for a form that was consumed, and logs a warning for each such request.
        property(ServletProperties.QUERY_PARAMS_AS_FORM_PARAMS_DISABLED, true);
    }

    /** Hands Jersey's Jackson provider the service's one ObjectMapper (exact numbers). */
    @jakarta.ws.rs.ext.Provider
    public static final class JsonMapperResolver implements ContextResolver<ObjectMapper> {
        @Override
        public ObjectMapper getContext(Class<?> type) {
            return Json.MAPPER;
        }
    }
}
