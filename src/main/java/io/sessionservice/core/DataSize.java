package io.sessionservice.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The size that {@code maxSessionBytes} bounds: for each data field, the UTF-8 bytes of its name
 * plus the UTF-8 bytes of its value's compact JSON text (as {@link Json#MAPPER} writes it). That is
 * the session's JSON text less quotes, colons, commas and braces, and every store can add it up
 * from what it keeps (Redis sums stored field texts in its script).
 */
public final class DataSize {

    private DataSize() {
    }

    public static long of(ObjectNode data) {
        long total = 0;
        for (Map.Entry<String, JsonNode> field : data.properties()) {
            total += ofField(field.getKey(), field.getValue());
        }
        return total;
    }

    public static long ofField(String name, JsonNode value) {
        return utf8Length(name) + utf8Length(jsonText(value));
    }

    public static String jsonText(JsonNode value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unserialisable JSON value", e);
        }
    }

    public static long utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
