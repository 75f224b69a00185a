package io.sessionservice.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lte;
import static io.sessionservice.store.mongo.SessionDocuments.CREATED;
import static io.sessionservice.store.mongo.SessionDocuments.EXPIRES;
import static io.sessionservice.store.mongo.SessionDocuments.GRACE_UNTIL;
import static io.sessionservice.store.mongo.SessionDocuments.ID;
import static io.sessionservice.store.mongo.SessionDocuments.TOKENS;
import static io.sessionservice.store.mongo.SessionDocuments.USER;
import static io.sessionservice.store.mongo.SessionDocuments.isCurrent;
import static io.sessionservice.store.mongo.SessionDocuments.live;
import static io.sessionservice.store.mongo.SessionDocuments.toDocument;
import static io.sessionservice.store.mongo.SessionDocuments.writable;

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
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.SessionTooLargeException;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.core.TokenConflictException;
import io.sessionservice.core.TouchResolution;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * store's clock. A document is found by its token through the unique index on {@code tokens}, so
 * a rotation rewrites that field in place. Each method sends one command where it can, without
 * transactions, and nothing but {@link #insert} creates a document: updates are {@code findAndModify} of the live document
 * with an update pipeline (the only way to slide a session to now + its own ttl in one atomic
 * command) whose filter also enforces the mutation's rules ({@link MutationPipeline}); inserts are
 * one replace-with-upsert that can only replace an expired document. A user's sessions are read
 * through the index {@code {userId: 1, createdAt: -1, _id: -1}}, in {@link PageStart}'s order.
 * Extra commands: an insert with an owner and a cap reads the user's sessions past the cap (and
 * deletes them, if any); a guarded update whose filter misses reads the session once to tell "no
 * such session" from a refusal. Driver failures become {@link StoreUnavailableException}.
 */
public final class MongoSessionStore implements SessionStore {

    /** Sessions of one user fetched by the first reply of findByUser's find; more cost a getMore each. */
    static final int USER_BATCH = 1000;

    /** Unauthorized, IndexOptionsConflict, IndexKeySpecsConflict. */
    private static final Set<Integer> PERMANENT_INDEX_ERRORS = Set.of(13, 85, 86);

    private static final Logger LOG = LoggerFactory.getLogger(MongoSessionStore.class);
    private static final FindOneAndUpdateOptions RETURN_AFTER =
            new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER);
    /** A user's sessions newest first, ties by token descending: PageStart.NEWEST_FIRST, and the user index's order. */
    private static final Bson NEWEST_FIRST = Sorts.descending(CREATED, ID);
    /** Tries of a guarded update whose filter missed although a re-read says it would pass (a write raced it). */
    private static final int GUARDED_UPDATE_TRIES = 5;

    private final Clock clock;
    private final TouchResolution touchResolution;
    private final MongoClient client;
    private final MongoDatabase database;
    private final MongoCollection<Document> sessions;
    /** Until the indexes exist (MongoDB was down at start-up), each operation tries to create them first. */
    private volatile boolean indexesReady;
    private final MongoDriverEvents driverEvents;

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

    /** A store on a client of its own, made from {@code settings}, with the default touch resolution. */
    public MongoSessionStore(MongoClientSettings settings, String databaseName, String collection, Clock clock) {
        this(settings, databaseName, collection, TouchResolution.DEFAULT, clock);
    }

    /** A store on a client of its own, made from {@code settings}. */
    public MongoSessionStore(MongoClientSettings settings, String databaseName, String collection,
                             TouchResolution touchResolution, Clock clock) {
        this(new MongoDriverEvents(), settings, databaseName, collection, touchResolution, clock);
    }

    /** The client relays its driver events through {@code events}, for meters bound later. */
    private MongoSessionStore(MongoDriverEvents events, MongoClientSettings settings, String databaseName,
                              String collection, TouchResolution touchResolution, Clock clock) {
        this(MongoClients.create(events.listeningTo(settings)), databaseName, collection, touchResolution, clock,
                events);
    }

    /**
     * A store on a ready client, which it closes on {@link #close()}; {@code touchResolution}: how far
     * a touch may leave the expiry behind before it writes.
     */
    public MongoSessionStore(MongoClient client, String databaseName, String collection,
                             TouchResolution touchResolution, Clock clock) {
        this(client, databaseName, collection, touchResolution, clock, new MongoDriverEvents());
    }

    /** {@code events}: the relay {@code client} was built with (one that hears nothing for a client made elsewhere). */
    private MongoSessionStore(MongoClient client, String databaseName, String collection,
                              TouchResolution touchResolution, Clock clock, MongoDriverEvents events) {
        this.driverEvents = events;
        this.clock = clock;
        this.touchResolution = touchResolution;
        this.client = client;
        this.database = client.getDatabase(databaseName);
        this.sessions = database.getCollection(collection);
        try {
            createIndexes();
        } catch (StoreUnavailableException e) {
            LOG.warn("MongoDB did not answer at start-up ({}); the indexes will be created on first use", e.getMessage());
        }
        BufferPoolPruner.storeOpened();
    }

    @Override
    public boolean insert(Session session, int maxSessionsPerUser) {
        Date now = now();
        boolean inserted = insertOne("insert", session, now);
        if (inserted && session.userId() != null && maxSessionsPerUser < Integer.MAX_VALUE) {
            endOldestPast(session.userId(), maxSessionsPerUser, now);
        }
        return inserted;
    }

    /**
     * Ends the user's live sessions past the {@code cap} newest: one find on the user index (skipping
     * the cap) and, when there are any, one delete of exactly those that still belong to the user.
     * Concurrent inserts each run this after their own insert, so the last one to read sees every
     * session inserted before it, and none ends a session that is among the cap newest of a later view.
     */
    private void endOldestPast(String userId, int cap, Date now) {
        List<Object> oldest = call("insert", () -> sessions.find(and(eq(USER, userId), gt(EXPIRES, now)))
                .sort(NEWEST_FIRST)
                .skip(cap)
                .projection(Projections.include(ID))
                .batchSize(USER_BATCH)
                .map(d -> d.get(ID))
                .into(new ArrayList<>()));
        if (!oldest.isEmpty()) {
            // userId in the filter: a session moved to another user meanwhile is that user's now.
            call("insert", () -> sessions.deleteMany(and(in(ID, oldest), eq(USER, userId))));
        }
    }

    @Override
    public Optional<Session> find(String token, boolean touch) {
        Date now = now();
        if (touch) {
            // Only under its current token does a session slide; a grace read leaves it as it is.
            Document expiry = new Document("$cond", List.of(isCurrent(token),
                    MutationPipeline.slide(now, touchResolution), "$" + EXPIRES));
            return modify("touch", token, live(token, now), List.of(MutationPipeline.addFields(new Document(EXPIRES, expiry))));
        }
        return call("find", () -> Optional.ofNullable(sessions.find(live(token, now)).first()))
                .map(d -> SessionDocuments.toSession(d, token));
    }

    @Override
    public Optional<Session> update(String token, Mutation mutation, boolean touch) {
        Date now = now();
        MutationPipeline write = new MutationPipeline(mutation, touch ? touchResolution : null, now);
        if (!touch && MutationPipeline.changesNoData(mutation)) {
            // Nothing to write: a read, with the size rule checked on what it read (as applyTo does).
            Document current = call("find", () -> sessions.find(writable(token, now)).first());
            if (current != null && mutation.maxDataBytes() != Mutation.UNLIMITED
                    && write.sizeAfter(current) > mutation.maxDataBytes()) {
                throw new SessionTooLargeException(mutation.maxDataBytes());
            }
            return Optional.ofNullable(current).map(SessionDocuments::toSession);
        }
        List<Bson> filter = new ArrayList<>(List.of(writable(token, now)));
        filter.addAll(write.conditions());
        List<Document> pipeline = write.stages();
        for (int attempt = 1; ; attempt++) {
            Optional<Session> updated = modify("update", token, and(filter), pipeline);
            if (updated.isPresent() || !write.guarded()) {
                return updated;
            }
            // The filter missed: no live session, or a rule refused the write. Only then, one read tells which.
            Document current = call("update", () -> sessions.find(writable(token, now)).first());
            if (current == null) {
                return Optional.empty();
            }
            write.checkRules(current); // throws the refusal; returns when a concurrent write changed the session since
            if (attempt == GUARDED_UPDATE_TRIES) {
                throw new StoreUnavailableException("MongoDB update kept racing concurrent writes", null);
            }
        }
    }

    @Override
    public boolean delete(String token) {
        Date now = now();
        return call("delete", () -> sessions.deleteOne(writable(token, now)).getDeletedCount() == 1);
    }

    /**
     * One {@code findAndModify} of the live session that sets {@code tokens} to the new token (then the
     * old one, with grace until min(expiry, {@code oldUntil})): {@code _id} stays, so the document, its
     * owner and its place in the user index stay. Of concurrent rotations only one matches the filter
     * (the old token must still be current). A new token another document holds fails the unique index.
     */
    @Override
    public Optional<Session> rotate(String token, String newToken, Instant oldUntil) {
        Date now = now();
        boolean grace = oldUntil != null && oldUntil.toEpochMilli() > now.getTime();
        List<Document> pipeline = new ArrayList<>();
        if (grace) {
            pipeline.add(MutationPipeline.addFields(new Document(TOKENS, MutationPipeline.literal(List.of(newToken, token)))
                    .append(GRACE_UNTIL, new Document("$min", List.of("$" + EXPIRES, Date.from(oldUntil))))));
        } else {
            pipeline.add(MutationPipeline.addFields(new Document(TOKENS, MutationPipeline.literal(List.of(newToken)))));
            pipeline.add(new Document("$unset", List.of(GRACE_UNTIL)));
        }
        return call("rotate", () -> {
            try {
                return Optional.ofNullable(sessions.findOneAndUpdate(writable(token, now), pipeline, RETURN_AFTER))
                        .map(d -> SessionDocuments.toSession(d, newToken));
            } catch (MongoCommandException e) {
                if (ErrorCategory.fromErrorCode(e.getErrorCode()) == ErrorCategory.DUPLICATE_KEY) {
                    throw new TokenConflictException(); // an issued token taken: a 2^-256 event
                }
                throw e;
            }
        });
    }

    @Override
    public List<Session> findByUser(String userId, PageStart start, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        Date now = now();
        List<Bson> filter = new ArrayList<>(List.of(eq(USER, userId), gt(EXPIRES, now)));
        if (start.createdAtMillis() != Long.MAX_VALUE) {
            filter.add(lte(CREATED, new Date(start.createdAtMillis())));
        }
        // A range scan of the user index in its own order (see PageStart.pageOf).
        int fetch = start.fetchSize(limit);
        List<Session> found = call("findByUser", () -> sessions.find(and(filter))
                .sort(NEWEST_FIRST)
                .limit(fetch)
                .batchSize(Math.min(fetch, USER_BATCH))
                .map(SessionDocuments::toSession)
                .into(new ArrayList<>()));
        return start.pageOf(found, limit);
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

    /** The driver's pool and command events, for {@link MongoMeters}. */
    MongoDriverEvents driverEvents() {
        return driverEvents;
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            BufferPoolPruner.storeClosed();
        }
    }

    /** The collection, for tests that check the stored layout and the indexes. */
    MongoCollection<Document> collection() {
        return sessions;
    }

    // ---- commands ----

    /**
     * One command: replaces only an expired document with this token, inserts when there is none, and
     * fails with a duplicate key when a live session holds the token (the filter misses it, so the upsert
     * collides with its _id, or with the tokens index where another document holds it, as current or
     * grace token). @return false when a live session holds the token
     */
    private boolean insertOne(String operation, Session session, Date now) {
        return call(operation, () -> {
            try {
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

    /**
     * One findAndModify of the session {@code filter} matches with an update pipeline, answered as
     * {@code token} sees it; never upserts.
     */
    private Optional<Session> modify(String operation, String token, Bson filter, List<Document> pipeline) {
        return call(operation, () -> Optional.ofNullable(sessions.findOneAndUpdate(filter, pipeline, RETURN_AFTER)))
                .map(d -> SessionDocuments.toSession(d, token));
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
     * The TTL index that removes expired sessions, the unique token index and the per-user index (user id, then newest first,
     * ties by token descending: the order of findByUser, so a page is a range scan without a sort).
     * The per-user index of earlier versions ({@code {userId: 1, createdAt: 1}}) is left alone if present.
     * createIndexes is idempotent. A refusal that retrying cannot cure (an index on the same keys
     * with other options, no createIndex privilege) is logged once, not retried on every request:
     * sessions stay correct, only their physical removal or the per-user lookup's speed suffers.
     */
    private void createIndexes() {
        try {
            sessions.createIndexes(List.of(
                    new IndexModel(Indexes.ascending(EXPIRES), new IndexOptions().expireAfter(0L, TimeUnit.SECONDS)),
                    // Sparse: documents of earlier versions have no tokens and are found by _id.
                    new IndexModel(Indexes.ascending(TOKENS), new IndexOptions().unique(true).sparse(true)),
                    new IndexModel(Indexes.compoundIndex(Indexes.ascending(USER), Indexes.descending(CREATED, ID)))));
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

}
