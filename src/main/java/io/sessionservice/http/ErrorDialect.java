package io.sessionservice.http;

import jakarta.ws.rs.container.ResourceInfo;
import java.util.Set;

/**
 * Which dialect an error answer takes: the one the matched resource declares ({@link UserDialect}), or, for a
 * request no resource method was matched for (405, 406, 404, a malformed header seen before routing), the one
 * of the API whose path it asked for.
 */
final class ErrorDialect {

    /** The paths of the user-session API: every error there is {"success":false,…}, even before routing. */
    private static final Set<String> USER_API_PATHS = Set.of("create", "session", "sessions", "verify");

    private ErrorDialect() {
    }

    /**
     * @param resource the matched resource, or null (also when its class is null: nothing matched)
     * @param path     the request path relative to the application, as {@code UriInfo.getPath()} gives it
     */
    static boolean isUser(ResourceInfo resource, String path) {
        Class<?> declaring = resource == null ? null : resource.getResourceClass();
        return declaring != null && declaring.isAnnotationPresent(UserDialect.class) || isUserApiPath(path);
    }

    static boolean isUserApiPath(String path) {
        String p = path == null ? "" : path.startsWith("/") ? path.substring(1) : path;
        // Jersey serves "sessions/" as "sessions"
        return USER_API_PATHS.contains(p.endsWith("/") ? p.substring(0, p.length() - 1) : p);
    }
}
