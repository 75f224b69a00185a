package io.sessionservice.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.sessionservice.core.LoneSurrogates;
import io.sessionservice.core.Session;
import io.sessionservice.core.Timestamps;
import io.sessionservice.core.TtlParser;
import io.sessionservice.core.UserSessionPage;
import io.sessionservice.core.UserSessionRequest;
import io.sessionservice.protocol.Headers;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.time.Instant;

/**
 * The user-session API (seed 000): absolute sessions handed out by user id. Bodies are
 * {"success":bool,"message":…}; errors take that shape too (see {@link ErrorMapper}).
 */
@UserDialect
// One instance for the webapp: a per-request resource (JAX-RS default) cost an HK2 creation and injection
// on every request in JFR profiles. Per-request values (HttpHeaders) arrive through Jersey's proxies.
@Singleton
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class UserSessionResource {

    private final ServiceRuntime runtime;
    @Context
    private HttpHeaders headers;

    @Inject
    public UserSessionResource(ServiceRuntime runtime) {
        this.runtime = runtime;
    }

    @POST
    @Path("create")
    public Response createUserSession(@Context HttpServletRequest http, @HeaderParam(Headers.KEY) String key,
                                      InputStream body) {
        ServiceRuntime runtime = authorized(key, http);
        ObjectNode json = runtime.bodies().requiredObject(headers, body);
        var request = new UserSessionRequest(
                string(json, "user_id"), string(json, "token"), ttl(json.get("ttl")),
                instant(json, "created_at"), instant(json, "expired_at"));
        Session s = runtime.sessions().createUserSession(request);
        runtime.audit().created(AuditLog.Client.of(http), s.userId(), s.token());
        return ok(Representations.user(s));
    }

    @GET
    @Path("session")
    public Response latestSession(@Context HttpServletRequest http, @HeaderParam(Headers.KEY) String key,
                                  @QueryParam("user_id") String userId) {
        Session s = authorized(key, http).sessions().latestSession(requireUserId(userId))
                .orElseThrow(() -> new ApiException(404, "No live session for this user_id"));
        return ok(Representations.user(s, tokensKnown()));
    }

    @GET
    @Path("sessions")
    public Response listSessions(@Context HttpServletRequest http, @HeaderParam(Headers.KEY) String key,
                                 @QueryParam("user_id") String userId,
                                 @QueryParam("limit") String limit,
                                 @QueryParam("cursor") String cursor,
                                 @QueryParam("include") String include) {
        UserSessionPage page = authorized(key, http).sessions()
                .sessionsOf(requireUserId(userId), limit(limit), cursor == null || cursor.isEmpty() ? null : cursor);
        boolean withData = includesData(include);
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        boolean withToken = tokensKnown();
        page.sessions().forEach(s -> list.add(withData ? Representations.userWithData(s, withToken)
                : Representations.user(s, withToken)));
        ObjectNode body = Representations.success(list);
        if (page.nextCursor() != null) {
            body.put("cursor", page.nextCursor());
        }
        return Response.ok(body).build();
    }

    /** include: absent for the seed's representation, or {@code data} to add each session's sliding flag and data. */
    private static boolean includesData(String include) {
        if (include == null || include.isEmpty()) {
            return false;
        }
        if (!include.equals("data")) {
            throw new ApiException(400, "include must be data");
        }
        return true;
    }

    /** limit: absent for the default, else a whole number (the service checks its range). */
    private static Integer limit(String limit) {
        if (limit == null || limit.isEmpty()) {
            return null;
        }
        if (!limit.matches("[0-9]{1,9}")) {
            throw new ApiException(400, "limit must be a whole number between 1 and " + UserSessionPage.MAX_LIMIT);
        }
        return Integer.valueOf(limit);
    }

    @DELETE
    @Path("sessions")
    public Response endSessions(@Context HttpServletRequest http, @HeaderParam(Headers.KEY) String key,
                                @QueryParam("user_id") String userId) {
        int ended = authorized(key, http).sessions().endSessionsOf(requireUserId(userId));
        runtime.audit().loggedOutEverywhere(AuditLog.Client.of(http), userId, ended);
        return ok(IntNode.valueOf(ended));
    }

    @POST
    @Path("verify")
    public Response verify(@Context HttpServletRequest http, @HeaderParam(Headers.KEY) String key, InputStream body) {
        ServiceRuntime runtime = authorized(key, http);
        ObjectNode json = runtime.bodies().requiredObject(headers, body);
        String userId = string(json, "user_id");
        String token = string(json, "token");
        if (userId == null || token == null) {
            throw new ApiException(400, "user_id and token are required");
        }
        boolean valid = runtime.sessions().verify(userId, token);
        return ok(TextNode.valueOf(Boolean.toString(valid)));
    }

    /** Whether sessions read by user id carry their tokens: not when the store keeps only digests. */
    private boolean tokensKnown() {
        return runtime.sessions().tokensAtRest().keepsTokens();
    }

    private ServiceRuntime authorized(String key, HttpServletRequest http) {
        if (runtime.config().userApiRequiresKey()) {
            runtime.checkKey(key, http);
        }
        return runtime;
    }

    private static String requireUserId(String userId) {
        if (userId == null || userId.isEmpty()) {
            throw new ApiException(400, "Query parameter user_id is required");
        }
        if (LoneSurrogates.in(userId)) {
            throw new ApiException(400, "Query parameter user_id holds a lone UTF-16 surrogate: it must be valid Unicode");
        }
        return userId;
    }

    /** A string field, or null when absent or null; any other JSON type is a 400. */
    private static String string(ObjectNode json, String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ApiException(400, field + " must be a string");
        }
        return v.textValue();
    }

    /** ttl: a string ("3600", "30m", "PT1H") or, leniently, a whole number of seconds. */
    private static Long ttl(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return TtlParser.parseSeconds(v.textValue());
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        throw new ApiException(400, "ttl must be a string such as \"3600\", \"30m\" or \"PT1H\"");
    }

    /** created_at / expired_at: an ISO-8601 string or epoch milliseconds. */
    private static Instant instant(ObjectNode json, String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return Timestamps.parse(field, v.textValue());
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return Timestamps.ofEpochMilli(v.longValue());
        }
        throw new ApiException(400, field + " must be an ISO-8601 string or epoch milliseconds");
    }

    private static Response ok(JsonNode message) {
        return Response.ok(Representations.success(message)).build();
    }
}
