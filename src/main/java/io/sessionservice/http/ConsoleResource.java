package io.sessionservice.http;

import jakarta.inject.Singleton;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.Map;

/**
 * The sessions console's files (webapp/console/ in the WAR: plain HTML, CSS and JavaScript, no
 * templates), served here because Jersey answers every path of the webapp. Only the files listed
 * are served, each with its own type; {@link ConsoleHeadersFilter} adds the security headers.
 */
@Singleton
@Path("console")
public class ConsoleResource {

    /** The console's files and their types; nothing else under /console/ is served. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8");

    @Context
    private ServletContext context;

    /** /console/ is the page; /console (Jersey routes both here) redirects there, so relative links resolve. */
    @GET
    @Produces("text/html")
    public Response page(@Context UriInfo uri) {
        if (!uri.getPath().endsWith("/")) {
            return Response.status(308).location(uri.getBaseUriBuilder().path("console/").build()).build();
        }
        return file("index.html");
    }

    @GET
    @Path("{file}")
    @Produces({"text/html", "text/javascript", "text/css"})
    public Response file(@PathParam("file") String name) {
        String type = FILES.get(name);
        InputStream in = type == null ? null : context.getResourceAsStream("/console/" + name);
        if (in == null) {
            return ErrorMapper.response(404, "No such resource", false);
        }
        return Response.ok(in, type).build();
    }
}
