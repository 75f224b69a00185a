package io.sessionservice.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.lte;
import static io.sessionservice.store.mongo.SessionDocuments.CREATED;
import static io.sessionservice.store.mongo.SessionDocuments.DATA;
import static io.sessionservice.store.mongo.SessionDocuments.EXPIRES;
import static io.sessionservice.store.mongo.SessionDocuments.ID;
import static io.sessionservice.store.mongo.SessionDocuments.SLIDING;
import static io.sessionservice.store.mongo.SessionDocuments.TTL;
import static io.sessionservice.store.mongo.SessionDocuments.USER;
import static io.sessionservice.store.mongo.SessionDocuments.encode;
import static io.sessionservice.store.mongo.SessionDocuments.escape;
import static io.sessionservice.store.mongo.SessionDocuments.toDocument;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.ConnectionString;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoServerException;
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
import io.sessionservice.core.Mutation;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
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
 * document per session in the layout of {@link SessionDocuments}.
 *
 * <p>A TTL index on {@code expiresAt} ({@code expireAfterSeconds: 0}) lets MongoDB remove expired
 * sessions, about once a minute; every read therefore also filters {@code expiresAt > now} by this
 * store's clock. Each method sends exactly one command, without transactions, and nothing but
 * {@link #insert} creates a document: updates are {@code findAndModify} of the live document with
 * an update pipeline (the only way to slide a session to now + its own ttl in one atomic command),
 * inserts are one replace-with-upsert that can only replace an expired document. Driver failures
 * become {@link StoreUnavailableException}.
 */
public final class MongoSessionStore implements SessionStore {

    public static final String DEFAULT_DATABASE = "session_service";
    public static final String DEFAULT_COLLECTION = "sessions";

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
    public boolean insert(Session session, int maxSessionsPerUser) {
        // TODO(issue 9): end the user's oldest sessions past maxSessionsPerUser
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
                .map(SessionDocuments::toSession);
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
    public List<Session> findByUser(String userId, PageStart start, int limit) {
        // TODO(issue 9): an index ordered by creation instead of reading every session of the user
        return start.select(allOfUser(userId), limit);
    }

    private List<Session> allOfUser(String userId) {
        Date now = now();
        return call("findByUser", () -> sessions.find(and(eq(USER, userId), gt(EXPIRES, now)))
                .sort(Sorts.descending(CREATED))
                .batchSize(USER_BATCH)
                .map(SessionDocuments::toSession)
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

    /**
     * Sessions in the collection from its metadata: constant cost per metrics scrape, where counting
     * live ones would scan the TTL index. Includes sessions that expired since the TTL monitor's last
     * pass (about a minute). Empty while MongoDB does not answer.
     */
    @Override
    public OptionalLong liveCount() {
        try {
            return OptionalLong.of(call("count", sessions::estimatedDocumentCount));
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
                .map(SessionDocuments::toSession);
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
            // Unset first so the new data replaces the old whole: given an object, $addFields may merge
            // it into the existing sub-document (mongo-java-server does, even for a $literal).
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
        // A server's error can quote documents (a duplicate key names the token): only its code is logged.
        String detail = e instanceof MongoServerException
                ? e.getClass().getSimpleName() + " code " + e.getCode() : e.getMessage();
        return new StoreUnavailableException("MongoDB " + operation + " failed: " + detail, e);
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
