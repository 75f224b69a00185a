package io.sessionservice.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.OwnerChangeForbiddenException;
import io.sessionservice.core.Session;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.protocol.ErrorResponses;
import io.sessionservice.protocol.Headers;
import io.sessionservice.protocol.StateFields;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.servlet.http.HttpServletRequest;
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
import java.util.function.Supplier;

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
    public Response create(@Context HttpServletRequest request, @HeaderParam(Headers.KEY) String key,
                           @HeaderParam(Headers.TTL) String ttl, @HeaderParam(Headers.MAX_LIFETIME) String maxLifetime,
                           InputStream body) {
        runtime.checkKey(key, request);
        var data = runtime.bodies().optionalObject(headers, body);
        Session s = runtime.sessions().createStateSession(data == null ? JsonNodeFactory.instance.objectNode() : data,
                TtlHeader.seconds(ttl), TtlHeader.seconds(Headers.MAX_LIFETIME, maxLifetime));
        runtime.audit().created(AuditLog.Client.of(request), s.userId(), s.token());
        return ok(Representations.state(s));
    }

    /** The session under a new issued token; the old token ends (after rotationGraceSec, if set). */
    @POST
    @Path("rotate")
    public Response rotate(@Context HttpServletRequest request, @HeaderParam(Headers.SESSION_TOKEN) String token) {
        Session s = live(token, runtime.sessions().rotate(requireToken(token)));
        runtime.audit().rotated(AuditLog.Client.of(request), s.userId(), token, s.token());
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
        Session s = live(token, runtime.sessions().validate(requireToken(token)));
        ObjectNode body = Representations.validation(s);
        if ("true".equalsIgnoreCase(includeSession)) {
            // Opt-in extension for SessionAuthFilter's remote mode: the data (and so the owner). No copy: a
            // Session is immutable (changes make new ones) and this body is only serialised.
            body.set(StateFields.SESSION, s.data());
        }
        return ok(body);
    }

    @PUT
    public Response replace(@Context HttpServletRequest request, @HeaderParam(Headers.SESSION_TOKEN) String token,
                            @HeaderParam(Headers.KEY) String key, InputStream body) {
        requireToken(token);
        boolean keyed = keyed(key, request);
        var data = runtime.bodies().requiredObject(headers, body);
        return ok(Representations.state(live(token, ownerGuarded(request, token,
                () -> runtime.sessions().replace(token, data, keyed)))));
    }

    @PATCH
    public Response patch(@Context HttpServletRequest request, @HeaderParam(Headers.SESSION_TOKEN) String token,
                          @HeaderParam(Headers.KEY) String key, InputStream body) {
        requireToken(token);
        boolean keyed = keyed(key, request);
        var fields = runtime.bodies().requiredObject(headers, body);
        return ok(Representations.state(live(token, ownerGuarded(request, token,
                () -> runtime.sessions().patch(token, fields, keyed)))));
    }

    @DELETE
    public Response delete(@Context HttpServletRequest request, @HeaderParam(Headers.SESSION_TOKEN) String token) {
        boolean deleted = runtime.sessions().delete(requireToken(token));
        if (deleted) {
            runtime.audit().deleted(AuditLog.Client.of(request), token);
        }
        return Response.status(deleted ? 200 : 404)
                .entity(JsonNodeFactory.instance.objectNode().put(StateFields.DELETED, deleted))
                .build();
    }

    /**
     * Whether a write comes from a trusted backend, which may move the session's owner: it carries a
     * valid x-key. A wrong x-key is refused (401) rather than silently treated as token-only.
     */
    private boolean keyed(String key, HttpServletRequest request) {
        if (key == null) {
            return false;
        }
        runtime.checkKey(key, request);
        return true;
    }

    /**
     * A token-only write that would move the owner is refused (403) and audited with the session's
     * owner, read once more: an extra store read on this refusal only, never on an accepted write.
     */
    private Optional<Session> ownerGuarded(HttpServletRequest request, String token, Supplier<Optional<Session>> write) {
        try {
            return write.get();
        } catch (OwnerChangeForbiddenException refused) {
            if (runtime.audit().active()) {
                String owner = null;
                try {
                    owner = runtime.sessions().validate(token).map(Session::userId).orElse(null);
                } catch (StoreUnavailableException e) {
                    // the line still records the refusal, its token and its client
                }
                runtime.audit().ownerChangeRefused(AuditLog.Client.of(request), owner, token);
            }
            throw refused;
        }
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
