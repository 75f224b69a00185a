package io.sessionservice.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.lte;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.ConnectionString;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import io.sessionservice.config.ConfigException;
import io.sessionservice.config.ServiceConfig;
import io.sessionservice.core.Json;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions in a MongoDB collection (MongoDB 4.2+, the oldest server driver 5.x speaks to), one
 * document per session:
 *
 * <pre>{ _id: token, userId: "AccountId" (absent without one), data: { escaped field name: "field's JSON text" },
 *   createdAt: Date, expiresAt: Date, ttl: Int64 seconds, sliding: bool }</pre>
 *
 * <p>Data values are kept as their exact JSON text (BSON numbers cannot hold every JSON number) under
 * escaped names (see {@link #escape}), so one field is addressed as {@code data.<escaped>} whatever
 * its name. A TTL index on {@code expiresAt} ({@code expireAfterSeconds: 0}) lets MongoDB remove
 * expired sessions, about once a minute; every read therefore also filters {@code expiresAt > now}
 * by this store's clock. Each method sends exactly one command and never upserts an existing
 * session back: updates are {@code findAndModify} with an update pipeline (the only way to slide a
 * session to now + its own ttl in one atomic command), inserts are a replace-with-upsert that can
 * only replace an expired document. Driver failures become {@link StoreUnavailableException}.
 */
public final class MongoSessionStore implements SessionStore {

    public static final String DEFAULT_DATABASE = "session_service";
    public static final String DEFAULT_COLLECTION = "sessions";

    static final String ID = "_id";
    static final String USER = "userId";
    static final String DATA = "data";
    static final String CREATED = "createdAt";
    static final String EXPIRES = "expiresAt";
    static final String TTL = "ttl";
    static final String SLIDING = "sliding";

    /** Sessions of one user fetched by the first reply of findByUser's find; more cost a getMore each. */
    static final int USER_BATCH = 1000;

    /** Unauthorized, IndexOptionsConflict, IndexKeySpecsConflict. */
    private static final Set<Integer> PERMANENT_INDEX_ERRORS = Set.of(13, 85, 86);

    private static final Logger LOG = LoggerFactory.getLogger(MongoSessionStore.class);
    private static final FindOneAndUpdateOptions RETURN_AFTER =
            new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER);

    private final Clock clock;
    private final MongoClient client;
    private final MongoDatabase database;
    private final MongoCollection<Document> sessions;
    /** Until the indexes exist (MongoDB was down at start-up), each operation tries to create them first. */
    private volatile boolean indexesReady;

    /** Opens the store that {@code repository.mongodb} describes (SPEC §7: MONGODB_URI, MONGODB_DATABASE). */
    public static MongoSessionStore open(ServiceConfig config, Clock clock) {
        JsonNode section = config.storeSection("mongodb");
        String uri = section.path("uri").asText("").trim();
        if (uri.isEmpty()) {
            throw new ConfigException("The mongodb store needs repository.mongodb.uri (or MONGODB_URI)");
        }
        ConnectionString connection;
        try {
            connection = new ConnectionString(uri);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("repository.mongodb.uri is not a MongoDB connection string: " + e.getMessage(), e);
        }
        String databaseName = firstNonBlank(section.path("database").asText(""), connection.getDatabase(), DEFAULT_DATABASE);
        String collection = firstNonBlank(section.path("collection").asText(""), DEFAULT_COLLECTION);
        return new MongoSessionStore(settings(connection, config.storeTimeout()), databaseName, collection, clock);
    }

    /**
     * Driver settings for {@code connection}: server selection, connect, socket read and pool wait
     * are bounded by {@code timeout} unless the connection string sets them itself.
     */
    public static MongoClientSettings settings(ConnectionString connection, Duration timeout) {
        long ms = timeout.toMillis();
        MongoClientSettings.Builder builder = MongoClientSettings.builder()
                .applicationName("session-service")
                .applyToClusterSettings(b -> b.serverSelectionTimeout(ms, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(b -> b.connectTimeout((int) ms, TimeUnit.MILLISECONDS)
                        .readTimeout((int) ms, TimeUnit.MILLISECONDS))
                .applyToConnectionPoolSettings(b -> b.maxWaitTime(ms, TimeUnit.MILLISECONDS));
        // Applied last, so options written in the URI (serverSelectionTimeoutMS, socketTimeoutMS, ...) win.
        return builder.applyConnectionString(connection).build();
    }

    public MongoSessionStore(MongoClientSettings settings, String databaseName, String collection, Clock clock) {
        this.clock = clock;
        this.client = MongoClients.create(settings);
        this.database = client.getDatabase(databaseName);
        this.sessions = database.getCollection(collection);
        try {
            createIndexes();
        } catch (StoreUnavailableException e) {
            LOG.warn("MongoDB did not answer at start-up ({}); the indexes will be created on first use", e.getMessage());
        }
    }

    @Override
    public boolean insert(Session session) {
        Date now = now();
        return call("insert", () -> {
            try {
                // One command: replaces only an expired document with this token, inserts when there is none,
                // and fails with a duplicate key when a live session holds the token (the filter misses it,
                // so the upsert collides with its _id).
                sessions.replaceOne(and(eq(ID, session.token()), lte(EXPIRES, now)), toDocument(session),
                        new ReplaceOptions().upsert(true));
                return true;
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<Session> find(String token, boolean touch) {
        Date now = now();
        if (touch) {
            return modify("touch", token, now, List.of(addFields(new Document(EXPIRES, slide(now)))));
        }
        return call("find", () -> Optional.ofNullable(sessions.find(live(token, now)).first()))
                .map(MongoSessionStore::toSession);
    }

    @Override
    public Optional<Session> update(String token, Mutation mutation, boolean touch) {
        Date now = now();
        List<Document> pipeline = pipeline(mutation, touch, now);
        return pipeline.isEmpty() ? find(token, false) : modify("update", token, now, pipeline);
    }

    @Override
    public boolean delete(String token) {
        Date now = now();
        return call("delete", () -> sessions.deleteOne(live(token, now)).getDeletedCount() == 1);
    }

    @Override
    public List<Session> findByUser(String userId) {
        Date now = now();
        return call("findByUser", () -> sessions.find(and(eq(USER, userId), gt(EXPIRES, now)))
                .sort(Sorts.descending(CREATED))
                .batchSize(USER_BATCH)
                .map(MongoSessionStore::toSession)
                .into(new ArrayList<>()));
    }

    @Override
    public int deleteByUser(String userId) {
        Date now = now();
        return call("deleteByUser", () ->
                (int) sessions.deleteMany(and(eq(USER, userId), gt(EXPIRES, now))).getDeletedCount());
    }

    @Override
    public void ping() {
        call("ping", () -> database.runCommand(new Document("ping", 1)));
    }

    /** Live sessions counted on the TTL index; empty while MongoDB does not answer. */
    @Override
    public OptionalLong liveCount() {
        Date now = now();
        try {
            return OptionalLong.of(call("count", () -> sessions.countDocuments(gt(EXPIRES, now))));
        } catch (StoreUnavailableException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() {
        client.close();
    }

    /** The collection, for tests that check the stored layout and the indexes. */
    MongoCollection<Document> collection() {
        return sessions;
    }

    // ---- commands ----

    /** One findAndModify of the live session at {@code token} with an update pipeline; never upserts. */
    private Optional<Session> modify(String operation, String token, Date now, List<Document> pipeline) {
        return call(operation, () -> Optional.ofNullable(sessions.findOneAndUpdate(live(token, now), pipeline, RETURN_AFTER)))
                .map(MongoSessionStore::toSession);
    }

    /**
     * The update pipeline of a mutation: PATCH merges the set fields into {@code data} and unsets
     * the removed ones (so concurrent patches of distinct fields both land), PUT swaps {@code data}
     * whole; userId follows AccountId; touch slides the expiry. Empty when nothing changes.
     */
    static List<Document> pipeline(Mutation mutation, boolean touch, Date now) {
        List<Document> stages = new ArrayList<>();
        Document set = new Document();
        List<String> unset = new ArrayList<>();
        if (mutation instanceof Mutation.Replace replace) {
            // Unset first: $addFields would merge an object into an existing sub-document.
            stages.add(new Document("$unset", List.of(DATA)));
            set.append(DATA, literal(encode(replace.data())));
        } else if (mutation instanceof Mutation.Patch patch) {
            if (!patch.set().isEmpty()) {
                set.append(DATA, new Document("$mergeObjects", List.of("$" + DATA, literal(encode(patch.set())))));
            }
            patch.remove().forEach(name -> unset.add(DATA + "." + escape(name)));
        }
        if (mutation.changesUserId()) {
            if (mutation.newUserId() != null) {
                set.append(USER, literal(mutation.newUserId()));
            } else {
                unset.add(USER);
            }
        }
        if (touch) {
            set.append(EXPIRES, slide(now));
        }
        if (!set.isEmpty()) {
            stages.add(addFields(set));
        }
        if (!unset.isEmpty()) {
            stages.add(new Document("$unset", unset));
        }
        return stages;
    }

    /** The new expiry of a touched session: now + ttl when sliding, else unchanged. */
    private static Document slide(Date now) {
        Document nowPlusTtl = new Document("$add", List.of(now, new Document("$multiply", List.of("$" + TTL, 1000L))));
        return new Document("$cond", List.of("$" + SLIDING, nowPlusTtl, "$" + EXPIRES));
    }

    // $addFields rather than its alias $set: both are update-pipeline stages on MongoDB, and the
    // test server knows only $addFields.
    private static Document addFields(Document fields) {
        return new Document("$addFields", fields);
    }

    private static Document literal(Object value) {
        return new Document("$literal", value);
    }

    private static Bson live(String token, Date now) {
        return and(eq(ID, token), gt(EXPIRES, now));
    }

    private Date now() {
        return new Date(clock.millis());
    }

    /** Runs one driver call, creating the indexes first while they are missing. */
    private <T> T call(String operation, Supplier<T> command) {
        if (!indexesReady) {
            createIndexes();
        }
        try {
            return command.get();
        } catch (MongoException e) {
            throw unavailable(operation, e);
        }
    }

    /**
     * The TTL index that removes expired sessions and the per-user index (user id, creation time).
     * createIndexes is idempotent. A refusal that retrying cannot cure (an index on the same keys
     * with other options, no createIndex privilege) is logged once, not retried on every request:
     * sessions stay correct, only their physical removal or the per-user lookup's speed suffers.
     */
    private void createIndexes() {
        try {
            sessions.createIndexes(List.of(
                    new IndexModel(Indexes.ascending(EXPIRES), new IndexOptions().expireAfter(0L, TimeUnit.SECONDS)),
                    new IndexModel(Indexes.ascending(USER, CREATED))));
            indexesReady = true;
        } catch (MongoCommandException e) {
            if (!PERMANENT_INDEX_ERRORS.contains(e.getErrorCode())) {
                throw unavailable("createIndexes", e);
            }
            indexesReady = true;
            LOG.error("MongoDB refused the session indexes on {} ({}): fix or drop the conflicting index, or grant "
                    + "createIndex, then restart", sessions.getNamespace(), e.getErrorCodeName());
        } catch (MongoException e) {
            throw unavailable("createIndexes", e);
        }
    }

    private static StoreUnavailableException unavailable(String operation, MongoException e) {
        // Server errors can quote documents (a duplicate key names the token): only their code is logged.
        String detail = e instanceof MongoTimeoutException || e instanceof MongoSocketException
                ? e.getMessage() : e.getClass().getSimpleName() + " code " + e.getCode();
        return new StoreUnavailableException("MongoDB " + operation + " failed: " + detail, e);
    }

    // ---- documents ----

    static Document toDocument(Session s) {
        Document d = new Document(ID, s.token());
        if (s.userId() != null) {
            d.append(USER, s.userId());
        }
        return d.append(DATA, encode(s.data()))
                .append(CREATED, Date.from(s.createdAt()))
                .append(EXPIRES, Date.from(s.expiresAt()))
                .append(TTL, s.ttlSeconds())
                .append(SLIDING, s.sliding());
    }

    static Session toSession(Document d) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        Document fields = d.get(DATA, Document.class);
        if (fields != null) {
            fields.forEach((name, text) -> data.set(unescape(name), parse((String) text)));
        }
        return new Session(d.getString(ID), d.getString(USER), data, d.getDate(CREATED).toInstant(),
                d.getDate(EXPIRES).toInstant(), ((Number) d.get(TTL)).longValue(), d.getBoolean(SLIDING));
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
     * A field name MongoDB can store and address as {@code data.<name>}: '%', '.', '$' and NUL
     * become %XX, a lone UTF-16 surrogate (BSON's UTF-8 cannot hold it) becomes %uXXXX, and the
     * empty name becomes "%". Ordinary names stay as they are; distinct names stay distinct.
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
    private static String jsonText(JsonNode value) {
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

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
