package io.sessionservice.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** Error bodies of the two dialects: {@code {"code","message"}} and {@code {"success":false,"message"}}. */
public final class ErrorResponses {

    private static final Map<Integer, String> CODES = Map.of(
            400, "BadRequestError",
            401, "UnauthorizedError",
            404, "NotFoundError",
            405, "MethodNotAllowedError",
            406, "NotAcceptableError",
            409, "ConflictError",
            413, "PayloadTooLargeError",
            415, "UnsupportedMediaTypeError",
            503, "ServiceUnavailableError");

    /** Seconds a client should wait before retrying after a 503. */
    public static final String RETRY_AFTER_SECONDS = "1";

    private ErrorResponses() {
    }

    public static String codeFor(int status) {
        return CODES.getOrDefault(status, status >= 500 ? "InternalError" : "BadRequestError");
    }

    public static ObjectNode stateBody(int status, String message) {
        return JsonNodeFactory.instance.objectNode().put("code", codeFor(status)).put("message", message);
    }

    public static ObjectNode userBody(String message) {
        return JsonNodeFactory.instance.objectNode().put("success", false).put("message", message);
    }

    public static Response build(int status, String message, boolean userDialect) {
        Response.ResponseBuilder r = Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(userDialect ? userBody(message) : stateBody(status, message));
        if (status == 503) {
            r.header("Retry-After", RETRY_AFTER_SECONDS);
        }
        return r.build();
    }
}
