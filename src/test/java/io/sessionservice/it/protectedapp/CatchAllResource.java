package io.sessionservice.it.protectedapp;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;

/**
 * The Jersey webapp's resources: {@code api/{p:.*}} catches every path under {@code /api}, whatever its
 * dot segments, as a JAX-RS app routing on the raw request URI would; {@code public{p:.*}} is the part
 * SessionAuthFilter leaves open. Each reports whether the filter admitted a session.
 */
@Path("")
public class CatchAllResource {

    @Context
    private HttpServletRequest request;

    @GET
    @Path("api/{p:.*}")
    @Produces("application/json")
    public String api(@PathParam("p") String p) {
        return answer("api", p);
    }

    @GET
    @Path("public{p:.*}")
    @Produces("application/json")
    public String open(@PathParam("p") String p) {
        return answer("public", p);
    }

    private String answer(String resource, String p) {
        boolean session = request.getAttribute("io.sessionservice.session") != null;
        return "{\"resource\":\"" + resource + "\",\"p\":\"" + p.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"hasSession\":" + session + ",\"remoteUser\":"
                + (request.getRemoteUser() == null ? "null" : "\"" + request.getRemoteUser() + "\"") + "}";
    }
}
