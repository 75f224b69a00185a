package io.sessionservice.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses a malformed Accept header with a JSON 400 before routing; left to Jersey, such a
 * request gets a 400 with an empty body from inside its method matching. (A malformed
 * Content-Type is replaced before Jersey sees it: see {@link ContainerEdgeFilter}.)
 */
@Provider
@PreMatching
public class MalformedHeaderFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        try {
            request.getAcceptableMediaTypes();
        } catch (RuntimeException e) {
            request.abortWith(ErrorMapper.response(400, "Malformed Accept header",
                    ErrorDialect.isUserApiPath(request.getUriInfo().getPath())));
        }
    }
}
