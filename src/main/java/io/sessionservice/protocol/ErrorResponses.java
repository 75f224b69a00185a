package io.sessionservice.protocol;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Error bodies and messages of the two dialects, shared by the service and {@code SessionAuthFilter}:
 * {@code {"code","message"}} and {@code {"success":false,"message"}}. Jackson only, no JAX-RS, so the
 * filter can use it in webapps that have no JAX-RS (the service's {@code http.ErrorMapper} turns these into responses).
 */
public final class ErrorResponses {

    private static final Map<Integer, String> CODES = Map.of(
            400, "BadRequestError",
            401, "UnauthorizedError",
            403, "ForbiddenError",
            404, "NotFoundError",
            405, "MethodNotAllowedError",
            406, "NotAcceptableError",
            409, "ConflictError",
            413, "PayloadTooLargeError",
            415, "UnsupportedMediaTypeError",
            503, "ServiceUnavailableError");

    /** Seconds a client should wait before retrying after a 503. */
    public static final String RETRY_AFTER_SECONDS = "1";
    public static final String STORE_UNAVAILABLE = "Session store is unavailable; retry shortly";

    private ErrorResponses() {
    }

    public static String codeFor(int status) {
        return CODES.getOrDefault(status, status >= 500 ? "InternalError" : "BadRequestError");
    }

    /** The 401 message for a token that names no live session (SPEC §3, exact). */
    public static String sessionNotFound(String token) {
        return "Session with token:'" + token + "' was not found";
    }

    /** The 401 message for a request without the header that carries the token or key. */
    public static String headerMissing(String header) {
        return "Header " + header + " is missing";
    }

    public static ObjectNode stateBody(int status, String message) {
        return JsonNodeFactory.instance.objectNode().put("code", codeFor(status)).put("message", message);
    }

    public static ObjectNode userBody(String message) {
        return JsonNodeFactory.instance.objectNode().put("success", false).put("message", message);
    }
}
