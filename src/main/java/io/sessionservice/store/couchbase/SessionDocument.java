package io.sessionservice.store.couchbase;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.couchbase.client.core.error.DocumentNotFoundException;
import com.couchbase.client.java.Collection;
import com.couchbase.client.java.kv.MutateInSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Digests;
import io.sessionservice.core.Json;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The layout of one session in Couchbase (see the README's "Couchbase" section):
 *
 * <pre>
 * key  "session::" + base64url(SHA-256(token))
 * {"type":"session", "token":"…", "userId":"…"|null, "createdAt":&lt;epoch ms&gt;, "expiresAt":&lt;epoch ms&gt;,
 *  "ttl":&lt;s&gt;, "sliding":true|false, "lifetimeEnd":&lt;epoch ms&gt; (capped sliding sessions),
 *  "rotated":true and "rotatedUserId" (a rotation's read-only copy, whose userId is null), "incarnation":{"&lt;id&gt;":true}, "indexedUntil":&lt;epoch ms&gt;|0,
 *  "data":{"&lt;escaped field name&gt;": &lt;the field's JSON value, verbatim&gt;, …}}
 * </pre>
 *
 * Field names are escaped so that every data field is addressable as the sub-document path
 * {@code data.<escaped>}: letters, digits, '_' and '-' stay as they are, every other UTF-16 unit
 * becomes '~' and four hex digits, and the empty name becomes "~". The incarnation id is a key, not a
 * value, so that a sub-document write can require "still this incarnation" (a path that must exist).
 * Documents are read and written as raw JSON bytes through {@link Json#MAPPER}, so numbers stay exact.
 */
final class SessionDocument {

    static final String KEY_PREFIX = "session::";
    static final String DATA = "data";
    static final String EXPIRES_AT = "expiresAt";
    static final String USER_ID = "userId";
    static final String INDEXED_UNTIL = "indexedUntil";
    static final String INCARNATION = "incarnation";

    /** Parses documents: data of the maximum depth sits two levels deeper in its document. */
    private static final JsonFactory DOCUMENT_PARSER = Json.MAPPER.getFactory().rebuild()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Json.MAX_DEPTH + 4).build())
            .build();

    /** Couchbase accepts at most 16 operations in one sub-document request… */
    static final int MAX_SPECS = 16;
    /** …and paths of at most 1024 bytes. */
    static final int MAX_PATH_BYTES = 1024;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** A session as read, with what a conditional write of it needs. */
    record Stored(Session session, String incarnation, long indexedUntil, long cas, boolean rotated) {
    }

    /** A rotation's read-only copy: marked, its owner kept apart from userId so no user query takes it as the user's. */
    static final String ROTATED = "rotated";
    static final String ROTATED_USER_ID = "rotatedUserId";
    static final String LIFETIME_END = "lifetimeEnd";

    /** The read-only copy a rotation with grace leaves under the old token (see SessionStore#rotate). */
    static byte[] encodeRotatedCopy(Session s, String incarnation) {
        ObjectNode doc = (ObjectNode) parse(encode(s, incarnation, 0));
        doc.putNull(USER_ID);
        doc.put(ROTATED_USER_ID, s.userId());
        doc.put(ROTATED, true);
        doc.put("sliding", false);
        return bytes(doc);
    }

    private SessionDocument() {
    }

    /** Couchbase keys are at most 250 bytes and tokens up to 256 characters: keys use a digest of the token. */
    static String key(String token) {
        return KEY_PREFIX + digest(token);
    }

    static String digest(String text) {
        return BASE64URL.encodeToString(Digests.sha256(text));
    }

    /** A fresh incarnation id: a letter then base64url, so it is a plain sub-document path component. */
    static String newIncarnation() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "i" + BASE64URL.encodeToString(bytes);
    }

    static byte[] encode(Session s, String incarnation, long indexedUntil) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("type", "session");
        doc.put("token", s.token());
        doc.put(USER_ID, s.userId());
        doc.put("createdAt", s.createdAt().toEpochMilli());
        doc.put(EXPIRES_AT, s.expiresAt().toEpochMilli());
        doc.put("ttl", s.ttlSeconds());
        doc.put("sliding", s.sliding());
        if (s.lifetimeEnd() != null) {
            doc.put(LIFETIME_END, s.lifetimeEnd().toEpochMilli());
        }
        doc.putObject(INCARNATION).put(incarnation, true);
        doc.put(INDEXED_UNTIL, indexedUntil);
        ObjectNode data = doc.putObject(DATA);
        for (Map.Entry<String, JsonNode> field : s.data().properties()) {
            data.set(escape(field.getKey()), field.getValue());
        }
        return bytes(doc);
    }

    static Stored decode(byte[] content, long cas) {
        JsonNode doc = parse(content);
        ObjectNode data = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, JsonNode> field : doc.path(DATA).properties()) {
            data.set(unescape(field.getKey()), field.getValue());
        }
        JsonNode userId = doc.path(USER_ID).isTextual() ? doc.path(USER_ID) : doc.path(ROTATED_USER_ID);
        JsonNode lifetimeEnd = doc.path(LIFETIME_END);
        Session session = new Session(doc.path("token").asText(), userId.isTextual() ? userId.textValue() : null, data,
                Instant.ofEpochMilli(doc.path("createdAt").asLong()), Instant.ofEpochMilli(doc.path(EXPIRES_AT).asLong()),
                doc.path("ttl").asLong(), doc.path("sliding").asBoolean(),
                lifetimeEnd.isIntegralNumber() ? Instant.ofEpochMilli(lifetimeEnd.asLong()) : null);
        Iterator<String> incarnation = doc.path(INCARNATION).fieldNames();
        return new Stored(session, incarnation.hasNext() ? incarnation.next() : "",
                doc.path(INDEXED_UNTIL).asLong(), cas, doc.path(ROTATED).asBoolean(false));
    }

    /** The session document under {@code key}, if there is one: one KV operation. */
    static Optional<Stored> get(Collection collection, String key) {
        try {
            var result = Kv.call(() -> collection.get(key));
            return Optional.of(decode(result.contentAs(byte[].class), result.cas()));
        } catch (DocumentNotFoundException e) {
            return Optional.empty();
        }
    }

    /** The session documents under these keys that exist, by key: one KV operation each, in parallel. */
    static Map<String, Stored> getAll(Collection collection, java.util.Collection<String> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        return Kv.call(() -> Flux.fromIterable(keys)
                .flatMap(key -> collection.reactive().get(key)
                        .map(r -> Map.entry(key, decode(r.contentAs(byte[].class), r.cas())))
                        .onErrorResume(DocumentNotFoundException.class, e -> Mono.empty()), 16)
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .block());
    }

    /**
     * The sub-document operations that turn {@code current} into {@code next} (a touch when
     * {@code patch} is null): first a check that the document is still this incarnation, then
     * expiresAt, owner and indexed bound where they change, then the patched data fields.
     * @return null when one request cannot carry them (too many operations or too long a path)
     */
    static List<MutateInSpec> patchSpecs(Stored current, Session next, Mutation.Patch patch, long indexedUntil) {
        List<MutateInSpec> specs = new ArrayList<>();
        specs.add(MutateInSpec.replace(INCARNATION + "." + current.incarnation(), true));
        specs.add(MutateInSpec.upsert(EXPIRES_AT, next.expiresAt().toEpochMilli()));
        if (!Objects.equals(current.session().userId(), next.userId())) {
            specs.add(MutateInSpec.upsert(USER_ID, next.userId() == null ? NullNode.getInstance() : TextNode.valueOf(next.userId())));
        }
        if (indexedUntil != current.indexedUntil()) {
            specs.add(MutateInSpec.upsert(INDEXED_UNTIL, indexedUntil));
        }
        if (patch != null) {
            for (Map.Entry<String, JsonNode> field : patch.set().properties()) {
                specs.add(MutateInSpec.upsert(dataPath(field.getKey()), field.getValue()));
            }
            for (String name : patch.remove()) {
                // upsert first: removing an absent path would fail the whole request
                specs.add(MutateInSpec.upsert(dataPath(name), false));
                specs.add(MutateInSpec.remove(dataPath(name)));
            }
            boolean pathsFit = Stream.concat(patch.set().propertyStream().map(Map.Entry::getKey), patch.remove().stream())
                    .allMatch(name -> dataPath(name).getBytes(StandardCharsets.UTF_8).length <= MAX_PATH_BYTES);
            if (!pathsFit) {
                return null;
            }
        }
        return specs.size() <= MAX_SPECS ? specs : null;
    }

    /** The sub-document path of a data field. */
    static String dataPath(String fieldName) {
        return DATA + "." + escape(fieldName);
    }

    /**
     * A data field name as one sub-document path component: [A-Za-z0-9_-] stay, every other char
     * becomes ~XXXX, the empty name "~". Not MongoDB's scheme ({@code SessionDocuments.escape}, a
     * deny-list with %XX): a sub-document path gives meaning to many characters ('.', '[', ']', '`', …),
     * so only an allow-list is safe here; and each scheme is the stored format of sessions already
     * written, so neither can change without a migration.
     */
    static String escape(String name) {
        if (name.isEmpty()) {
            return "~";
        }
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
                out.append(c);
            } else {
                out.append('~').append(String.format("%04x", (int) c));
            }
        }
        return out.toString();
    }

    static String unescape(String escaped) {
        if (escaped.equals("~")) {
            return "";
        }
        StringBuilder out = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '~' && i + 5 <= escaped.length()) {
                out.append((char) Integer.parseInt(escaped, i + 1, i + 5, 16));
                i += 4;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static byte[] bytes(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parse(byte[] content) {
        try (JsonParser parser = DOCUMENT_PARSER.createParser(content)) {
            return Json.MAPPER.readTree(parser);
        } catch (IOException e) {
            throw new IllegalStateException("A Couchbase document of this store is not JSON", e);
        }
    }
}
