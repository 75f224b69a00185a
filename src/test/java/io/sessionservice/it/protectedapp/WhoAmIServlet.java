package io.sessionservice.it.protectedapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Method;

/**
 * The protected webapp's one resource: reports what SessionAuthFilter told it. Uses only the Servlet
 * API and reflection, so it works whichever class loader the filter came from.
 */
public class WhoAmIServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object session = request.getAttribute("io.sessionservice.session");
        String attributeUser = null;
        if (session != null) {
            try {
                Method userId = session.getClass().getMethod("userId");
                attributeUser = (String) userId.invoke(session);
            } catch (ReflectiveOperationException e) {
                attributeUser = "unreadable: " + e;
            }
        }
        String filterLoader;
        try {
            Class<?> filter = Class.forName("io.sessionservice.filter.SessionAuthFilter", false,
                    getClass().getClassLoader());
            filterLoader = filter.getClassLoader() == getClass().getClassLoader() ? "webapp" : "shared";
        } catch (ClassNotFoundException e) {
            filterLoader = "missing";
        }
        response.setContentType("application/json");
        response.getWriter().write("{\"remoteUser\":" + quote(request.getRemoteUser())
                + ",\"principal\":" + quote(request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName())
                + ",\"attributeUser\":" + quote(attributeUser)
                + ",\"hasSession\":" + (session != null)
                + ",\"filterLoader\":" + quote(filterLoader)
                + ",\"path\":" + quote(request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo()))
                + "}");
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
