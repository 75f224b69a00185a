package io.sessionservice.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sessionservice.core.Session;
import io.sessionservice.protocol.ErrorResponses;
import io.sessionservice.protocol.Headers;
import io.sessionservice.protocol.StateFields;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Optional;

/** The state API (seed 004): sliding sessions addressed by the x-session-token header. */
// One instance for the webapp: a per-request resource (JAX-RS default) cost an HK2 creation and injection
// on every request in JFR profiles. Per-request values (HttpHeaders) arrive through Jersey's proxies.
@Singleton
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class StateResource {

    private final ServiceRuntime runtime;
    @Context
    private HttpHeaders headers;

    @Inject
    public StateResource(ServiceRuntime runtime) {
        this.runtime = runtime;
    }

    @POST
    public Response create(@HeaderParam(Headers.KEY) String key, @HeaderParam(Headers.TTL) String ttl, InputStream body) {
        runtime.credentials().check(key);
        var data = runtime.bodies().optionalObject(headers, body);
        Session s = runtime.sessions().createStateSession(
                data == null ? JsonNodeFactory.instance.objectNode() : data, TtlHeader.seconds(ttl));
        return ok(Representations.state(s));
    }

    @GET
    public Response get(@HeaderParam(Headers.SESSION_TOKEN) String token) {
        Session s = live(token, runtime.sessions().get(requireToken(token)));
        return ok(Representations.state(s));
    }

    @GET
    @Path("validate")
    public Response validate(@HeaderParam(Headers.SESSION_TOKEN) String token,
                             @HeaderParam(Headers.INCLUDE_SESSION) String includeSession) {
        // The plain GET /validate is answered by ValidateFastPath before Jersey; this serves the other shapes.
        Session s = live(token, runtime.sessions().validate(requireToken(token)));
        return ok(Representations.validation(s, includeSession));
    }

    @PUT
    public Response replace(@HeaderParam(Headers.SESSION_TOKEN) String token, @HeaderParam(Headers.KEY) String key,
                            InputStream body) {
        requireToken(token);
        boolean keyed = keyed(key);
        var data = runtime.bodies().requiredObject(headers, body);
        return ok(Representations.state(live(token, runtime.sessions().replace(token, data, keyed))));
    }

    @PATCH
    public Response patch(@HeaderParam(Headers.SESSION_TOKEN) String token, @HeaderParam(Headers.KEY) String key,
                          InputStream body) {
        requireToken(token);
        boolean keyed = keyed(key);
        var fields = runtime.bodies().requiredObject(headers, body);
        return ok(Representations.state(live(token, runtime.sessions().patch(token, fields, keyed))));
    }

    @DELETE
    public Response delete(@HeaderParam(Headers.SESSION_TOKEN) String token) {
        boolean deleted = runtime.sessions().delete(requireToken(token));
        return Response.status(deleted ? 200 : 404)
                .entity(JsonNodeFactory.instance.objectNode().put(StateFields.DELETED, deleted))
                .build();
    }

    /**
     * Whether a write comes from a trusted backend, which may move the session's owner: it carries a
     * valid x-key. A wrong x-key is refused (401) rather than silently treated as token-only.
     */
    private boolean keyed(String key) {
        if (key == null) {
            return false;
        }
        runtime.credentials().check(key);
        return true;
    }

    private static String requireToken(String token) {
        if (token == null || token.isEmpty()) {
            throw new ApiException(401, ErrorResponses.headerMissing(Headers.SESSION_TOKEN));
        }
        return token;
    }

    private static Session live(String token, Optional<Session> session) {
        return session.orElseThrow(() -> new ApiException(401, ErrorResponses.sessionNotFound(token)));
    }

    private static Response ok(Object entity) {
        return Response.ok(entity).build();
    }
}
