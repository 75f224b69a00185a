package io.sessionservice.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Finds UTF-16 surrogates without their partner. Such a string has no UTF-8 form, so stores disagree
 * on it (Redis's client writes {@code ?}, making {@code "\ud800"} and {@code "\udbff"} one user; the
 * memory store keeps it): SPEC §2 refuses them at input.
 */
public final class LoneSurrogates {

    /** How much of a JSON Pointer an error message shows. */
    private static final int MAX_POINTER_CHARS = 120;

    private LoneSurrogates() {
    }

    /** Whether {@code s} holds a high surrogate not followed by a low one, or a low one not after a high one. */
    public static boolean in(CharSequence s) {
        if (s == null) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where the first field name or string value holding a lone surrogate is, as a JSON Pointer
     * (lone surrogates in it escaped as {@code \\uXXXX}, cut to a readable length); null when there is none.
     */
    public static String firstIn(JsonNode node) {
        StringBuilder pointer = new StringBuilder();
        return find(node, pointer) ? shown(pointer) : null;
    }

    private static boolean find(JsonNode node, StringBuilder pointer) {
        if (node.isTextual()) {
            return in(node.textValue());
        }
        int length = pointer.length();
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                pointer.append('/').append(field.getKey().replace("~", "~0").replace("/", "~1"));
                if (in(field.getKey()) || find(field.getValue(), pointer)) {
                    return true;
                }
                pointer.setLength(length);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                pointer.append('/').append(i);
                if (find(node.get(i), pointer)) {
                    return true;
                }
                pointer.setLength(length);
            }
        }
        return false;
    }

    private static String shown(CharSequence pointer) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pointer.length() && out.length() < MAX_POINTER_CHARS; i++) {
            char c = pointer.charAt(i);
            if (Character.isSurrogate(c) || Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.length() < MAX_POINTER_CHARS ? out.toString() : out.substring(0, MAX_POINTER_CHARS - 1) + "…";
    }
}
