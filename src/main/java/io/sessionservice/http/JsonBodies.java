package io.sessionservice.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Json;
import io.sessionservice.core.LoneSurrogates;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response.Status;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads request bodies under the limits of SPEC §5: at most maxBodyBytes (413), a JSON content type
 * when there is a body (415), valid JSON nested at most 32 deep (400), an object (400) whose field
 * names and strings hold no lone UTF-16 surrogate (400, SPEC §2).
 */
public final class JsonBodies {

    private final int maxBodyBytes;

    public JsonBodies(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The body as a JSON object, or null when there is no body. */
    public ObjectNode optionalObject(HttpHeaders headers, InputStream body) {
        byte[] bytes = read(headers, body);
        if (bytes.length == 0) {
            return null;
        }
        checkContentType(headers);
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(bytes);
        } catch (StreamConstraintsException e) {
            throw new ApiException(Status.BAD_REQUEST, e.getMessage().contains("nesting depth")
                    ? "JSON is nested deeper than " + Json.MAX_DEPTH + " levels"
                    : "Body exceeds a JSON limit: " + e.getOriginalMessage());
        } catch (NumberFormatException e) {
            // e.g. 1e999999999: exact decimals cannot hold such an exponent
            throw new ApiException(Status.BAD_REQUEST, "Body holds a number out of range");
        } catch (MismatchedInputException e) {
            // e.g. "{} {}"; Jackson's own text names its classes and features
            throw new ApiException(Status.BAD_REQUEST, "Body is not valid JSON: content follows the JSON value");
        } catch (JacksonException e) {
            throw new ApiException(Status.BAD_REQUEST, "Body is not valid JSON" + parserDetail(e));
        } catch (IOException e) {
            throw new ApiException(Status.BAD_REQUEST, "Body could not be read");
        }
        if (node == null || node.isMissingNode()) {
            return null;
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ApiException(Status.BAD_REQUEST, "Body must be a JSON object");
        }
        String where = LoneSurrogates.firstIn(object);
        if (where != null) {
            throw new ApiException(Status.BAD_REQUEST,
                    "Body holds a lone UTF-16 surrogate at " + where + ": strings must be valid Unicode");
        }
        return object;
    }

    /** Jackson's account of a syntax error, unless it names a Java type (in backticks): answers show none. */
    private static String parserDetail(JacksonException e) {
        String detail = e.getOriginalMessage();
        return detail == null || detail.contains("`") || detail.contains("com.fasterxml") ? "" : ": " + detail;
    }

    /** The body as a JSON object; a missing body is a 400. */
    public ObjectNode requiredObject(HttpHeaders headers, InputStream body) {
        ObjectNode object = optionalObject(headers, body);
        if (object == null) {
            throw new ApiException(Status.BAD_REQUEST, "Body must be a JSON object");
        }
        return object;
    }

    private byte[] read(HttpHeaders headers, InputStream body) {
        String declared = headers.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && declared.matches("\\d{1,18}") && Long.parseLong(declared) > maxBodyBytes) {
            throw tooLarge();
        }
        if (body == null) {
            return new byte[0];
        }
        try {
            byte[] bytes = body.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                throw tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw new ApiException(Status.BAD_REQUEST, "Body could not be read");
        }
    }

    private ApiException tooLarge() {
        return new ApiException(413, "Body is larger than " + maxBodyBytes + " bytes");
    }

    /** No content type is taken as JSON; any other than JSON (or +json) is refused. */
    private static void checkContentType(HttpHeaders headers) {
        MediaType type;
        try {
            type = headers.getMediaType();
        } catch (RuntimeException e) {
            throw new ApiException(415, "Content-Type must be application/json");
        }
        if (type != null && !(type.getType().equalsIgnoreCase("application")
                && (type.getSubtype().equalsIgnoreCase("json") || type.getSubtype().toLowerCase().endsWith("+json")))) {
            String given = ContainerEdgeFilter.UNPARSEABLE.equals(type.toString())
                    ? "an unparseable header" : type.getType() + "/" + type.getSubtype();
            throw new ApiException(415, "Content-Type must be application/json, not " + given);
        }
    }
}
