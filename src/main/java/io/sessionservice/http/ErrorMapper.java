package io.sessionservice.http;

import io.sessionservice.core.InvalidRequestException;
import io.sessionservice.core.OwnerChangeForbiddenException;
import io.sessionservice.core.SessionTooLargeException;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.core.ConflictException;
import io.sessionservice.protocol.ErrorResponses;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failure becomes a JSON answer in the caller's dialect; nothing escapes as a container error
 * page or stack trace. Store trouble is a 503 with Retry-After; anything unforeseen a bare 500
 * whose details go to the log only (never tokens: exception messages here carry none).
 */
@Provider
public class ErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private final ServiceRuntime runtime;
    @Context
    private ResourceInfo resource;
    @Context
    private UriInfo uri;

    @Inject
    public ErrorMapper(ServiceRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Response toResponse(Throwable e) {
        boolean user = ErrorDialect.isUser(resource, uri == null ? null : uri.getPath());
        if (e instanceof ApiException api) {
            return response(api.status(), api.getMessage(), user);
        }
        if (e instanceof InvalidRequestException) {
            return response(400, e.getMessage(), user);
        }
        if (e instanceof OwnerChangeForbiddenException) {
            return response(403, e.getMessage(), user);
        }
        if (e instanceof SessionTooLargeException) {
            return response(413, e.getMessage(), user);
        }
        if (e instanceof ConflictException) {
            return response(409, e.getMessage(), user);
        }
        if (e instanceof StoreUnavailableException) {
            // No line per request (7,005 lines in 30 s of an outage): StoreOutageLog says when it starts,
            // sums it up at most every 10 s and says when it ends; session_store_errors_total counts.
            runtime.outages().answeredUnavailable();
            return response(503, ErrorResponses.STORE_UNAVAILABLE, user);
        }
        if (e instanceof NotFoundException) {
            return response(404, "No such resource", user);
        }
        if (e instanceof NotAllowedException na) {
            Response r = response(405, "Method not allowed", user);
            return Response.fromResponse(r).allow(na.getResponse().getAllowedMethods()).build();
        }
        if (e instanceof WebApplicationException wae && wae.getResponse().getStatus() < 500) {
            int status = wae.getResponse().getStatus();
            return response(status, Response.Status.fromStatusCode(status) == null
                    ? "Request refused" : Response.Status.fromStatusCode(status).getReasonPhrase(), user);
        }
        LOG.error("Unexpected failure ({})", e.getClass().getName(), e);
        return response(500, "Internal error", user);
    }

    /** An error answer in the state dialect, or the user-session one ({@code userDialect}). */
    static Response response(int status, String message, boolean userDialect) {
        Response.ResponseBuilder r = Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(userDialect ? ErrorResponses.userBody(message) : ErrorResponses.stateBody(status, message));
        if (status == 503) {
            r.header("Retry-After", ErrorResponses.RETRY_AFTER_SECONDS);
        }
        return r.build();
    }
}
