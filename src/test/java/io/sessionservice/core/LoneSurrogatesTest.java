package io.sessionservice.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC §2: strings with lone UTF-16 surrogates mean different things to different stores, so input refuses them. */
class LoneSurrogatesTest {

    @ParameterizedTest
    @ValueSource(strings = {"\ud800", "\udbff", "\udc00", "\udfff", "a\ud800", "\ud800a", "x\udc00y", "\udc00\ud800",
            "\ud83d", "\ude00", "😀\ud83d", "\ude00😀", "\ud83d\ud83d\ude00"})
    void findsEveryUnpairedSurrogate(String s) {
        assertTrue(LoneSurrogates.in(s), s.chars().mapToObj(Integer::toHexString).toList().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "é 日本", "😀", "a😀b", "😀😀", "\uffff", "\ufffd", "\u0000", "\ud7ff\ue000"})
    void acceptsWellFormedUtf16(String s) {
        assertFalse(LoneSurrogates.in(s), s);
    }

    @Test
    void nullHoldsNone() {
        assertFalse(LoneSurrogates.in(null));
    }

    /** (Jackson's parser refuses lone surrogates in field names by itself; trees built in code may hold them.) */
    @Test
    void findsThemInFieldNamesAndStringValuesAtAnyDepth() throws Exception {
        assertNull(LoneSurrogates.firstIn(tree("{\"a\":[1,\"😀\",{\"b\":{\"c\":\"ok\"}}],\"😀\":null}")));
        assertEquals("/a/2/b/c", LoneSurrogates.firstIn(tree("{\"a\":[1,\"x\",{\"b\":{\"c\":\"\\ud800\"}}]}")));
        assertEquals("/a/1", LoneSurrogates.firstIn(tree("{\"a\":[\"ok\",\"\\udfff\"]}")));
        ObjectNode names = JsonNodeFactory.instance.objectNode();
        names.putObject("x").put("\udc00", 1);
        assertEquals("/x/\\udc00", LoneSurrogates.firstIn(names),
                "a field name; shown escaped, never as the lone surrogate itself");
        assertEquals("/\\ud800", LoneSurrogates.firstIn(JsonNodeFactory.instance.objectNode().put("\ud800", "v")));
        assertEquals("", LoneSurrogates.firstIn(tree("\"\\ud800\"")), "the document itself");
    }

    @Test
    void thePointerIsShortAndEscapesJsonPointerSyntax() throws Exception {
        String longName = "n".repeat(5000);
        String where = LoneSurrogates.firstIn(tree("{\"" + longName + "\":\"\\ud800\"}"));
        assertTrue(where.length() <= 120, where);
        assertEquals("/a~1b~0c", LoneSurrogates.firstIn(tree("{\"a/b~c\":\"\\ud800\"}")));
    }

    private static JsonNode tree(String json) throws Exception {
        return Json.MAPPER.readTree(json);
    }
}
