package io.sessionservice.store.couchbase;

import static com.couchbase.client.java.kv.InsertOptions.insertOptions;
import static com.couchbase.client.java.kv.MutateInOptions.mutateInOptions;
import static com.couchbase.client.java.kv.RemoveOptions.removeOptions;
import static com.couchbase.client.java.kv.ReplaceOptions.replaceOptions;

import com.couchbase.client.core.diagnostics.PingState;
import com.couchbase.client.core.env.Authenticator;
import com.couchbase.client.core.error.CouchbaseException;
import com.couchbase.client.core.error.CasMismatchException;
import com.couchbase.client.core.error.DocumentExistsException;
import com.couchbase.client.core.error.DocumentNotFoundException;
import com.couchbase.client.core.error.subdoc.DocumentTooDeepException;
import com.couchbase.client.core.error.subdoc.PathInvalidException;
import com.couchbase.client.core.error.subdoc.PathNotFoundException;
import com.couchbase.client.core.error.subdoc.PathTooDeepException;
import com.couchbase.client.core.error.subdoc.ValueTooDeepException;
import com.couchbase.client.core.service.ServiceType;
import com.couchbase.client.java.Bucket;
import com.couchbase.client.java.Cluster;
import com.couchbase.client.java.ClusterOptions;
import com.couchbase.client.java.Collection;
import com.couchbase.client.java.codec.JacksonJsonSerializer;
import com.couchbase.client.java.codec.RawJsonTranscoder;
import com.couchbase.client.java.diagnostics.PingOptions;
import com.couchbase.client.java.env.ClusterEnvironment;
import com.couchbase.client.java.kv.MutateInSpec;
import io.sessionservice.core.Json;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.core.TokenConflictException;
import io.sessionservice.core.TouchResolution;
import io.sessionservice.store.couchbase.SessionDocument.Stored;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Sessions in Couchbase: one JSON document per session ({@link SessionDocument}) whose Couchbase
 * expiry is the session's expiry, rounded up to the second, and a per-user index document
 * ({@link UserIndex}). Liveness is judged by this store's clock against the {@code expiresAt} kept
 * in the document, so a document past its expiry is invisible before Couchbase drops it.
 *
 * <p>Writes are conditional, so nothing is ever resurrected: a patch is one {@code mutateIn} that
 * requires the document to exist ({@code REPLACE} semantics) and to still be the same incarnation,
 * and that carries the new expiry; a replacement of all data, a deletion and an insert over an
 * expired document use CAS. Sub-document writes are atomic per document, so concurrent patches of
 * different fields all land. KV operations per store operation are listed in the README.
 *
 * <p>Every SDK failure other than the normal outcomes (not found, exists, CAS mismatch) becomes a
 * {@link StoreUnavailableException}; KV and connect timeouts are the configured store timeout. The
 * SDK reconnects by itself, so the store serves again as soon as Couchbase is back.
 */
public final class CouchbaseSessionStore implements SessionStore {

    private final Bucket bucket;
    private final Collection collection;
    private final Clock clock;
    private final Duration timeout;
    private final UserIndex index;
    private final IndexedSessions userSessions;
    private final Runnable onClose;
    private final TouchResolution touchResolution;

    /** A store on a ready bucket and collection with the default touch resolution. */
    public CouchbaseSessionStore(Bucket bucket, Collection collection, Clock clock, Duration timeout, Runnable onClose) {
        this(bucket, collection, clock, timeout, onClose, TouchResolution.DEFAULT);
    }

    /**
     * A store on a ready bucket and collection; {@code onClose} ends what opened them (the cluster);
     * {@code touchResolution}: how far a touch may leave the expiry behind before it writes.
     */
    public CouchbaseSessionStore(Bucket bucket, Collection collection, Clock clock, Duration timeout, Runnable onClose,
                                 TouchResolution touchResolution) {
        this.touchResolution = touchResolution;
        this.bucket = bucket;
        this.collection = collection;
        this.clock = clock;
        this.timeout = timeout;
        this.index = new UserIndex(collection, clock);
        this.userSessions = new IndexedSessions(collection, clock, index);
        this.onClose = onClose;
    }

    /**
     * A cluster connection with this store's settings: raw JSON documents, {@link Json#MAPPER} for
     * sub-document values, KV, connect and disconnect timeouts. It does not wait for Couchbase: the SDK
     * bootstraps in the background, so a service started while Couchbase is down answers 503 until
     * Couchbase comes up. A connection string the SDK cannot use throws its {@link CouchbaseException}.
     */
    public static Cluster cluster(String connectionString, Authenticator authenticator, Duration timeout,
                                  Consumer<ClusterEnvironment.Builder> customizer) {
        return Cluster.connect(connectionString, ClusterOptions.clusterOptions(authenticator).environment(env -> {
            env.transcoder(RawJsonTranscoder.INSTANCE)
                    .jsonSerializer(JacksonJsonSerializer.create(Json.MAPPER))
                    .timeoutConfig(t -> t.kvTimeout(timeout).kvDurableTimeout(timeout).connectTimeout(timeout)
                            .managementTimeout(timeout).disconnectTimeout(timeout))
                    // no transactions here: no background cleanup of transaction records either
                    .transactionsConfig(t -> t.cleanupConfig(c -> c.cleanupLostAttempts(false).cleanupClientAttempts(false)))
                    // the SDK's own latency log: its histograms start JVM-wide pause-detector threads that
                    // nothing stops, which would outlive an undeploy; the service has its store metrics
                    .loggingMeterConfig(m -> m.enabled(false));
            customizer.accept(env);
        }));
    }

    // ---- SessionStore ----

    /**
     * KV operations: 1 without owner; with one, 2 to index it first + 1 + 1 to read the index again
     * (+2 over an expired document; past the cap, see {@link IndexedSessions#endOldestPast}).
     */
    @Override
    public boolean insert(Session session, int maxSessionsPerUser) {
        String key = SessionDocument.key(session.token());
        String incarnation = SessionDocument.newIncarnation();
        String userId = session.userId();
        long indexedUntil = 0;
        if (userId != null) {
            // Index first: an entry without its session is skipped by readers; the reverse would hide a session.
            indexedUntil = indexBound(session);
            long pendingUntil = Math.min(clock.millis() + UserIndex.PENDING_MILLIS, session.expiresAt().toEpochMilli());
            index.add(userId, new UserIndex.Entry(key, session.createdAt().toEpochMilli(), indexedUntil, incarnation, pendingUntil));
        }
        byte[] content = SessionDocument.encode(session, incarnation, indexedUntil);
        var expiry = Kv.expiry(session.expiresAt());
        Stored[] conflict = {null};
        boolean inserted = Kv.retrying("a session insert", () -> {
            try {
                Kv.call(() -> collection.insert(key, content, insertOptions().expiry(expiry)));
                return true;
            } catch (DocumentExistsException e) {
                Stored current = SessionDocument.get(collection, key).orElseThrow(Kv.Again::new); // dropped meanwhile
                if (isLive(current)) {
                    conflict[0] = current;
                    return false;
                }
                try {
                    Kv.call(() -> collection.replace(key, content, replaceOptions().cas(current.cas()).expiry(expiry)));
                    return true;
                } catch (DocumentNotFoundException raced) {
                    throw new Kv.Again();
                }
            }
        });
        if (userId == null) {
            return inserted;
        }
        if (!inserted) {
            restoreEntry(userId, conflict[0]);
            return false;
        }
        // Read again after the insert, not the entries the add saw: of concurrent inserts for one user,
        // the last to get here then sees every other one's session written, so the cap holds.
        UserIndex.Entries entries = index.read(userId);
        if (entries.size() > maxSessionsPerUser) {
            userSessions.endOldestPast(userId, entries, maxSessionsPerUser);
        }
        return true;
    }

    /** The add before a refused insert replaced the live session's entry when it is this user's: put it back. */
    private void restoreEntry(String userId, Stored live) {
        if (userId.equals(live.session().userId()) && live.indexedUntil() > 0) {
            index.add(userId, new UserIndex.Entry(SessionDocument.key(live.session().token()),
                    live.session().createdAt().toEpochMilli(), live.indexedUntil(), live.incarnation(), 0));
        }
    }

    /**
     * KV operations: 1, also for a touch within the resolution; a touch that moves the expiry 2 (+2
     * when its index entry must be raised, once per ttl).
     */
    @Override
    public Optional<Session> find(String token, boolean touch) {
        if (!touch) {
            return read(token).filter(this::isLive).map(Stored::session);
        }
        return change(token, null, true);
    }

    /** KV operations: 2 (+2 when the owner changes or the index entry must be raised). */
    @Override
    public Optional<Session> update(String token, Mutation mutation, boolean touch) {
        return change(token, mutation, touch);
    }

    /** KV operations: 2 (read, then remove with its CAS). */
    @Override
    public boolean delete(String token) {
        return Kv.retrying("a session delete", () -> {
            Optional<Stored> current = read(token);
            if (current.isEmpty() || current.get().rotated()) {
                return false; // a rotation's read-only copy ends by itself
            }
            try {
                // An expired document is removed too, but does not count as ending a session.
                Kv.call(() -> collection.remove(SessionDocument.key(token), removeOptions().cas(current.get().cas())));
                return isLive(current.get());
            } catch (DocumentNotFoundException e) {
                return false;
            }
        });
    }

    /**
     * KV operations: 3 without owner (read, insert under the new token, remove or replace the old one
     * with its CAS), 5 with one (+2: the new token's index entry first, as an insert). A concurrent write
     * of the old session makes the CAS fail: the new document is removed (+1) and it starts again; a
     * concurrent rotation then finds no live session, so exactly one new token survives and is answered.
     */
    @Override
    public Optional<Session> rotate(String token, String newToken, Instant oldUntil) {
        return Kv.retrying("a session rotation", () -> {
            Optional<Stored> read = read(token);
            Instant now = clock.instant();
            if (read.isEmpty() || read.get().rotated() || !read.get().session().isLiveAt(now)) {
                return Optional.empty();
            }
            Stored current = read.get();
            Session moved = current.session().withToken(newToken);
            String newKey = SessionDocument.key(newToken);
            String incarnation = SessionDocument.newIncarnation();
            if (moved.userId() != null) {
                long pendingUntil = Math.min(clock.millis() + UserIndex.PENDING_MILLIS, moved.expiresAt().toEpochMilli());
                index.add(moved.userId(), new UserIndex.Entry(newKey, moved.createdAt().toEpochMilli(),
                        current.indexedUntil(), incarnation, pendingUntil));
            }
            try {
                Kv.call(() -> collection.insert(newKey, SessionDocument.encode(moved, incarnation, current.indexedUntil()),
                        insertOptions().expiry(Kv.expiry(moved.expiresAt()))));
            } catch (DocumentExistsException e) {
                throw new TokenConflictException(); // an issued token taken: a 2^-256 event
            }
            String oldKey = SessionDocument.key(token);
            try {
                if (oldUntil != null && oldUntil.isAfter(now)) {
                    Instant copyEnd = moved.expiresAt().isBefore(oldUntil) ? moved.expiresAt() : oldUntil;
                    byte[] copy = SessionDocument.encodeRotatedCopy(current.session().withExpiresAt(copyEnd),
                            current.incarnation());
                    Kv.call(() -> collection.replace(oldKey, copy, replaceOptions().cas(current.cas())
                            .expiry(Kv.expiry(copyEnd))));
                } else {
                    Kv.call(() -> collection.remove(oldKey, removeOptions().cas(current.cas())));
                }
            } catch (CasMismatchException | DocumentNotFoundException e) {
                // Another write (or rotation) of the old session came first: this new one must not survive.
                Kv.call(() -> collection.remove(newKey));
                throw new Kv.Again();
            }
            return Optional.of(moved);
        });
    }

    /**
     * KV operations: 1 index read + the sessions of the page's entries (in parallel), so
     * {@code limit} + 1 for a page without stale entries; +1 to drop stale entries met.
     */
    @Override
    public List<Session> findByUser(String userId, PageStart start, int limit) {
        return userSessions.page(userId, start, limit);
    }

    /** KV operations: 1 + one per index entry + one per session ended + 1 to drop their entries. */
    @Override
    public int deleteByUser(String userId) {
        return userSessions.endAll(userId);
    }

    /** A KV ping of the bucket's nodes. */
    @Override
    public void ping() {
        var result = Kv.call(() -> bucket.ping(PingOptions.pingOptions().serviceTypes(ServiceType.KV).timeout(timeout)));
        var kvEndpoints = result.endpoints().getOrDefault(ServiceType.KV, List.of());
        if (kvEndpoints.isEmpty() || kvEndpoints.stream().anyMatch(e -> e.state() != PingState.OK)) {
            throw new StoreUnavailableException("Couchbase did not answer a KV ping: "
                    + kvEndpoints.stream().map(e -> e.state().toString()).toList(), null);
        }
    }

    @Override
    public void close() {
        onClose.run();
    }

    // ---- the one write path of an existing session ----

    /**
     * Reads the live session, applies {@code mutation} (none: a touch) and writes the result
     * conditionally; reads again when a concurrent write made the condition fail.
     */
    private Optional<Session> change(String token, Mutation mutation, boolean touch) {
        return Kv.retrying("a session update", () -> {
            Optional<Stored> read = read(token);
            Instant now = clock.instant();
            if (read.isEmpty() || !read.get().session().isLiveAt(now) || read.get().rotated() && mutation != null) {
                return Optional.empty();
            }
            Stored current = read.get();
            // Owner rule and size limit, checked on what was read; the write below requires that read's CAS.
            Session next = mutation == null ? current.session() : mutation.applyTo(current.session());
            next = next.withExpiresAt(next.expiryAfterAccess(now, touch, touchResolution));
            if (mutation == null && next.expiresAt().equals(current.session().expiresAt())) {
                return Optional.of(next); // absolute, or within the touch resolution: a touch changes nothing
            }
            long indexedUntil = ensureIndexed(current, next);
            try {
                boolean written = mutation instanceof Mutation.Replace
                        ? replace(current, next, indexedUntil)
                        : patch(current, next, (Mutation.Patch) mutation, indexedUntil);
                return written ? Optional.of(next) : Optional.empty();
            } catch (PathNotFoundException e) {
                throw new Kv.Again(); // the token now names a new incarnation
            }
        });
    }

    /**
     * One {@code mutateIn} that requires this incarnation and carries the new expiry. It also
     * requires the CAS that was read whenever its outcome depends on that read: a size limit (checked
     * on the data read), a write naming AccountId (its owner rule, and data and userId staying in
     * step), a change of the indexed bound, and a write of a sliding session that keeps the expiry it
     * read (untouched, or touched within the resolution: it cannot undo a concurrent touch's expiry). Concurrent patches of different fields then retry from a
     * fresh read instead of overwriting each other. Only an unlimited patch of other fields (a
     * trusted caller) needs no CAS. Too large for one request: a whole-document replace.
     * @return false when the document is gone
     */
    private boolean patch(Stored current, Session next, Mutation.Patch patch, long indexedUntil) {
        List<MutateInSpec> specs = SessionDocument.patchSpecs(current, next, patch, indexedUntil);
        if (specs == null) {
            return replace(current, next, indexedUntil);
        }
        var options = mutateInOptions().expiry(Kv.expiry(next.expiresAt()));
        boolean keepsReadExpiry = next.expiresAt().equals(current.session().expiresAt());
        if ((keepsReadExpiry && next.sliding()) || indexedUntil != current.indexedUntil()
                || patch != null && (patch.maxDataBytes() != Mutation.UNLIMITED || patch.changesUserId())
                || !Objects.equals(current.session().userId(), next.userId())) {
            options.cas(current.cas());
        }
        try {
            Kv.call(() -> collection.mutateIn(SessionDocument.key(next.token()), specs, options));
            return true;
        } catch (DocumentNotFoundException e) {
            return false;
        } catch (DocumentTooDeepException | PathTooDeepException | ValueTooDeepException | PathInvalidException e) {
            return replace(current, next, indexedUntil); // data nested beyond what sub-document paths reach
        }
    }

    /** The whole document, with the CAS that was read. @return false when the document is gone */
    private boolean replace(Stored current, Session next, long indexedUntil) {
        byte[] content = SessionDocument.encode(next, current.incarnation(), indexedUntil);
        try {
            Kv.call(() -> collection.replace(SessionDocument.key(next.token()), content,
                    replaceOptions().cas(current.cas()).expiry(Kv.expiry(next.expiresAt()))));
            return true;
        } catch (DocumentNotFoundException e) {
            return false;
        }
    }

    /**
     * Keeps the index entry's {@code until} at or after the session's expiry: raises it (two KV
     * operations) when the owner changes or the new expiry passes what the document says is indexed.
     * @return the indexedUntil to store in the session document
     */
    private long ensureIndexed(Stored current, Session next) {
        if (next.userId() == null) {
            return 0;
        }
        boolean sameOwner = next.userId().equals(current.session().userId());
        if (sameOwner && next.expiresAt().toEpochMilli() <= current.indexedUntil()) {
            return current.indexedUntil();
        }
        long until = indexBound(next);
        // A new owner's entry is pending until the document names that owner (the write after this).
        long pendingUntil = sameOwner ? 0 : clock.millis() + UserIndex.PENDING_MILLIS;
        index.add(next.userId(), new UserIndex.Entry(SessionDocument.key(next.token()), next.createdAt().toEpochMilli(),
                until, current.incarnation(), pendingUntil));
        return until;
    }

    /** How long an index entry covers a session: its expiry, plus one ttl of slack for sliding ones. */
    private static long indexBound(Session s) {
        return s.expiresAt().toEpochMilli() + (s.sliding() ? s.ttlSeconds() * 1000 : 0);
    }

    // ---- reads ----

    private Optional<Stored> read(String token) {
        return SessionDocument.get(collection, SessionDocument.key(token));
    }

    private boolean isLive(Stored stored) {
        return stored.session().isLiveAt(clock.instant());
    }

}
