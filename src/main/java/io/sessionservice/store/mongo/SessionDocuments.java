package io.sessionservice.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.or;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.DataSize;
import io.sessionservice.core.Json;
import io.sessionservice.core.Session;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * How a session is stored in MongoDB, one document per session:
 *
 * <pre>{ _id: the session's first token, tokens: [current token, old token within a rotation's grace],
 *   graceUntil: Date (end of the old token's grace), userId: AccountId (absent without one),
 *   data: { escaped field name: "field's JSON text" }, dataBytes: Int64 stored size of data,
 *   createdAt: Date, expiresAt: Date, ttl: Int64 seconds, sliding: bool,
 *   lifetimeEnd: Date (a capped sliding session) }</pre>
 *
 * <p>{@code _id} never changes, so a rotation is one update of {@code tokens} (uniquely indexed, a
 * multikey index: no token is in two documents). Documents written before {@code tokens} existed
 * have only {@code _id}, which is then their token.
 *
 * <p>Each data field's value is its exact JSON text (BSON numbers cannot hold every JSON number:
 * Decimal128 stops at 34 digits), under a name escaped by {@link #escape} so that any field,
 * whatever its name ({@code a.b}, {@code $x}, the empty string), is one addressable
 * {@code data.<escaped>} path.
 *
 * <p>{@code dataBytes} is the data's {@linkplain #storedSize stored size}, kept up to date by every
 * write, so that an update pipeline can check the size limit from the fields it touches alone.
 */
final class SessionDocuments {

    static final String ID = "_id";
    /** The current token first, then the old token of a rotation with grace (until {@link #GRACE_UNTIL}). */
    static final String TOKENS = "tokens";
    /** The current token: the first of {@link #TOKENS}. */
    static final String CURRENT_TOKEN = TOKENS + ".0";
    /** When the old token in {@link #TOKENS} stops reading the session (Date); absent without grace. */
    static final String GRACE_UNTIL = "graceUntil";
    static final String USER = "userId";
    static final String DATA = "data";
    static final String DATA_BYTES = "dataBytes";
    static final String CREATED = "createdAt";
    static final String EXPIRES = "expiresAt";
    static final String TTL = "ttl";
    static final String SLIDING = "sliding";
    /** A capped sliding session's lifetime end (Date); absent when uncapped. */
    static final String LIFETIME_END = "lifetimeEnd";

    private SessionDocuments() {
    }

    static Document toDocument(Session s) {
        Document d = new Document(ID, s.token()).append(TOKENS, List.of(s.token()));
        if (s.userId() != null) {
            d.append(USER, s.userId());
        }
        d.append(DATA, encode(s.data()))
                .append(DATA_BYTES, storedSize(s.data()))
                .append(CREATED, Date.from(s.createdAt()))
                .append(EXPIRES, Date.from(s.expiresAt()))
                .append(TTL, s.ttlSeconds())
                .append(SLIDING, s.sliding());
        if (s.lifetimeEnd() != null) {
            d.append(LIFETIME_END, Date.from(s.lifetimeEnd()));
        }
        return d;
    }

    /** The session under its current token. */
    static Session toSession(Document d) {
        return toSession(d, currentToken(d));
    }

    /**
     * The session as {@code token} sees it: the session itself under its current token; under the old
     * token of a rotation with grace, the grace's read-only view (that token, expiry at most
     * {@code graceUntil}, never sliding).
     */
    static Session toSession(Document d, String token) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        Document fields = d.get(DATA, Document.class);
        if (fields != null) {
            fields.forEach((name, text) -> data.set(unescape(name), parse((String) text)));
        }
        Instant expires = d.getDate(EXPIRES).toInstant();
        boolean sliding = d.getBoolean(SLIDING);
        if (!token.equals(currentToken(d))) {
            Instant graceEnd = d.getDate(GRACE_UNTIL).toInstant();
            expires = graceEnd.isBefore(expires) ? graceEnd : expires;
            sliding = false;
        }
        return new Session(token, d.getString(USER), data, d.getDate(CREATED).toInstant(), expires,
                ((Number) d.get(TTL)).longValue(), sliding,
                d.getDate(LIFETIME_END) == null ? null : d.getDate(LIFETIME_END).toInstant());
    }

    /** The first of {@code tokens}; {@code _id} for a document written before {@code tokens} existed. */
    static String currentToken(Document d) {
        List<?> tokens = d.getList(TOKENS, Object.class);
        return tokens == null ? d.getString(ID) : (String) tokens.get(0);
    }

    // ---- finding a session by its token ----

    /** The live session under its current token, or under its old token within a rotation's grace: what reads answer. */
    static Bson live(String token, Date now) {
        return and(gt(EXPIRES, now), or(and(eq(TOKENS, token), or(eq(CURRENT_TOKEN, token), gt(GRACE_UNTIL, now))),
                writtenBeforeTokens(token)));
    }

    /** The live session under its current token, never a grace: what writes, deletes and rotations act on. */
    static Bson writable(String token, Date now) {
        // tokens: token for the index; tokens.0 (no index can serve a positional path) to say it is current.
        return and(gt(EXPIRES, now), or(and(eq(TOKENS, token), eq(CURRENT_TOKEN, token)), writtenBeforeTokens(token)));
    }

    /**
     * A document an earlier version wrote, whose token is its {@code _id} (it has no {@code tokens}):
     * found through the {@code _id} index, so no migration is needed and instances of both versions
     * share sessions during a rolling upgrade. Its first rotation gives it {@code tokens}.
     */
    static Bson writtenBeforeTokens(String token) {
        return and(eq(ID, token), exists(TOKENS, false));
    }

    /** Whether {@code token} is the document's current token (an aggregation expression). */
    static Document isCurrent(String token) {
        Document current = new Document("$ifNull", List.of(new Document("$arrayElemAt", List.of("$" + TOKENS, 0)), "$" + ID));
        return new Document("$eq", List.of(current, new Document("$literal", token)));
    }

    /** A data object as stored: escaped field names, each value its exact JSON text. */
    static Document encode(ObjectNode data) {
        Document fields = new Document();
        for (Map.Entry<String, JsonNode> e : data.properties()) {
            fields.append(escape(e.getKey()), jsonText(e.getValue()));
        }
        return fields;
    }

    /**
     * The size limit's measure as this store counts it: per field, the UTF-8 bytes of the name plus
     * those of the stored JSON text. Equal to {@link DataSize#of} except that a lone surrogate counts
     * as its 6-byte {@code \\uXXXX} escape (the service refuses such strings anyway); the update
     * pipelines count stored texts with {@code $strLenBytes}, so both agree.
     */
    static long storedSize(ObjectNode data) {
        long total = 0;
        for (Map.Entry<String, JsonNode> e : data.properties()) {
            total += fieldSize(e.getKey(), jsonText(e.getValue()));
        }
        return total;
    }

    /** A field's stored size from its (unescaped) name and its stored text. */
    static long fieldSize(String name, String storedText) {
        return DataSize.utf8Length(name) + DataSize.utf8Length(storedText);
    }

    /**
     * A field name MongoDB can store and address as {@code data.<name>}: '%', '.', '$' and NUL
     * become %XX, a lone UTF-16 surrogate (BSON's UTF-8 cannot hold it) becomes %uXXXX, and the
     * empty name becomes "%". Ordinary names stay as they are; distinct names stay distinct.
     * Not Couchbase's scheme ({@code SessionDocument.escape}, an allow-list with ~XXXX): MongoDB forbids
     * only these few characters, so a deny-list keeps stored names readable to an operator; and each
     * scheme is the stored format of sessions already written, so neither can change without a migration.
     */
    static String escape(String name) {
        if (name.isEmpty()) {
            return "%";
        }
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%' || c == '.' || c == '$' || c == '\0') {
                out.append('%').append(String.format("%02X", (int) c));
            } else if (isLoneSurrogate(name, i)) {
                out.append("%u").append(String.format("%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static String unescape(String stored) {
        if (stored.equals("%")) {
            return "";
        }
        StringBuilder out = new StringBuilder(stored.length());
        for (int i = 0; i < stored.length(); i++) {
            char c = stored.charAt(i);
            if (c != '%') {
                out.append(c);
            } else if (stored.charAt(i + 1) == 'u') {
                out.append((char) Integer.parseInt(stored, i + 2, i + 6, 16));
                i += 5;
            } else {
                out.append((char) Integer.parseInt(stored, i + 1, i + 3, 16));
                i += 2;
            }
        }
        return out.toString();
    }

    /** The value's JSON text, with lone surrogates (only possible inside strings) written as \\uXXXX escapes. */
    static String jsonText(JsonNode value) {
        String text;
        try {
            text = Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree always serializes", e);
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            if (isLoneSurrogate(text, i)) {
                out = out != null ? out : new StringBuilder(text.substring(0, i));
                out.append(String.format("\\u%04x", (int) text.charAt(i)));
            } else if (out != null) {
                out.append(text.charAt(i));
            }
        }
        return out != null ? out.toString() : text;
    }

    private static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored session data is not JSON", e);
        }
    }

    private static boolean isLoneSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
    }
}
