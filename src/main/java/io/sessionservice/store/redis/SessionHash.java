package io.sessionservice.store.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Json;
import io.sessionservice.core.Session;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The session hash's layout (session.lua's header has it in full): meta fields {@code exp}, {@code ttl},
 * {@code sliding}, {@code created}, {@code user}, {@code end} (lifetime cap), {@code ro} (a rotation's
 * read-only copy), and one field {@code d:<name>} = {@code <seq>:<JSON
 * text>} per data field, the seq keeping the client's field order. Values stay the JSON text Jackson
 * wrote: the script never decodes them.
 */
final class SessionHash {

    static final String DATA = "d:";

    private SessionHash() {
    }

    /** The session in a hash, or null when the hash is empty or the session has expired at {@code now}. */
    static Session parse(String token, Map<String, String> hash, long now) {
        String exp = hash.get("exp");
        if (exp == null || Long.parseLong(exp) <= now) {
            return null;
        }
        record Field(long seq, String name, String json) {
        }
        List<Field> fields = new ArrayList<>();
        hash.forEach((name, value) -> {
            if (name.startsWith(DATA)) {
                int colon = value.indexOf(':');
                fields.add(new Field(Long.parseLong(value.substring(0, colon)), name.substring(DATA.length()),
                        value.substring(colon + 1)));
            }
        });
        fields.sort(Comparator.comparingLong(Field::seq));
        ObjectNode data = Json.MAPPER.createObjectNode();
        try {
            for (Field f : fields) {
                data.set(f.name(), Json.MAPPER.readTree(f.json()));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable session data in Redis", e);
        }
        return new Session(token, hash.get("user"), data, Instant.ofEpochMilli(Long.parseLong(hash.get("created"))),
                Instant.ofEpochMilli(Long.parseLong(exp)), Long.parseLong(hash.get("ttl")), "1".equals(hash.get("sliding")),
                hash.get("end") == null ? null : Instant.ofEpochMilli(Long.parseLong(hash.get("end"))));
    }

    /** Appends each data field as "d:name", "seq:json", numbered from 1 in the object's order. */
    static void addNumbered(List<String> args, ObjectNode data) {
        int seq = 0;
        for (Map.Entry<String, JsonNode> field : data.properties()) {
            args.add(DATA + field.getKey());
            args.add(++seq + ":" + json(field.getValue()));
        }
    }

    /** Appends each field to set as "d:name", "json" (a patch: the script keeps or assigns the seq). */
    static void addUnnumbered(List<String> args, ObjectNode set) {
        for (Map.Entry<String, JsonNode> field : set.properties()) {
            args.add(DATA + field.getKey());
            args.add(json(field.getValue()));
        }
    }

    /** A flat HGETALL reply as a map. */
    static Map<String, String> toMap(List<?> flat) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return map;
    }

    private static String json(JsonNode value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
