package io.sessionservice.store.mongo;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.expr;
import static io.sessionservice.store.mongo.SessionDocuments.DATA;
import static io.sessionservice.store.mongo.SessionDocuments.DATA_BYTES;
import static io.sessionservice.store.mongo.SessionDocuments.EXPIRES;
import static io.sessionservice.store.mongo.SessionDocuments.SLIDING;
import static io.sessionservice.store.mongo.SessionDocuments.TTL;
import static io.sessionservice.store.mongo.SessionDocuments.USER;
import static io.sessionservice.store.mongo.SessionDocuments.encode;
import static io.sessionservice.store.mongo.SessionDocuments.escape;
import static io.sessionservice.store.mongo.SessionDocuments.fieldSize;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.DataSize;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.OwnerChangeForbiddenException;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionTooLargeException;
import io.sessionservice.core.TouchResolution;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * One {@link Mutation} as a single {@code findAndModify}: the filter conditions that enforce its
 * rules, and the update pipeline that applies it. Both are evaluated by the server on the same
 * document image, atomically, so a concurrent write can neither make it overshoot the size limit
 * nor have an owner move undone:
 * <ul>
 *   <li>fixed owner: when the mutation names the owner ({@code AccountId} set or removed), the
 *       filter requires the current {@code userId} to equal the owner after it (absent for none), so
 *       the write matches only if it leaves the owner as it is;</li>
 *   <li>size: the filter's {@code $expr} computes the size after the write from {@code dataBytes}
 *       and the touched fields' stored texts ({@code $strLenBytes}), and the pipeline stores that
 *       same value as the new {@code dataBytes}.</li>
 * </ul>
 * A miss does not say which condition failed: {@link #checkRules} tells it from a read of the
 * document (the caller pays that read only on a miss).
 */
final class MutationPipeline {

    /** Where a replace parks the current AccountId while it swaps {@code data} whole. */
    private static final String KEPT_ACCOUNT_ID = "_keptAccountId";

    private final Mutation mutation;
    /** The touch resolution when the write touches the session; null when it does not. */
    private final TouchResolution touch;
    private final Date now;

    MutationPipeline(Mutation mutation, TouchResolution touch, Date now) {
        this.mutation = mutation;
        this.touch = touch;
        this.now = now;
    }

    /** A patch that changes nothing (its pipeline would only slide the expiry). */
    static boolean changesNoData(Mutation mutation) {
        return mutation instanceof Mutation.Patch p && p.set().isEmpty() && p.remove().isEmpty();
    }

    /** Whether the filter carries rule conditions, so that a miss may be a refusal. */
    boolean guarded() {
        return ownerGuarded() || sizeGuarded();
    }

    /** The conditions, besides "this live token", under which the write may happen. */
    List<Bson> conditions() {
        List<Bson> conditions = new ArrayList<>();
        if (ownerGuarded()) {
            // {userId: null} matches an absent userId too: the owner after a write that drops it.
            conditions.add(eq(USER, mutation.newUserId()));
        }
        if (sizeGuarded()) {
            conditions.add(expr(new Document("$lte", List.of(sizeAfter(), mutation.maxDataBytes()))));
        }
        return conditions;
    }

    /**
     * The update pipeline. PATCH merges the set fields into {@code data} and unsets the removed ones
     * (so concurrent patches of distinct fields both land); PUT swaps {@code data} whole, keeping the
     * current AccountId when the replacement has none; userId follows AccountId; touch slides the
     * expiry; {@code dataBytes} becomes the size after the write. Every expression of a stage reads
     * the document as it was before that stage.
     */
    List<Document> stages() {
        List<Document> stages = new ArrayList<>();
        Document set = new Document(DATA_BYTES, sizeAfter());
        List<String> unset = new ArrayList<>();
        if (mutation instanceof Mutation.Replace replace) {
            // Unset, then set: given an object, $addFields may merge it into the existing sub-document
            // (mongo-java-server does, even for a $literal). The kept AccountId waits in a field of its own.
            Document before = new Document(DATA_BYTES, sizeAfter());
            Object data = literal(encode(replace.data()));
            if (keepsAccountId(replace)) {
                before.append(KEPT_ACCOUNT_ID, new Document("$ifNull", List.of("$" + DATA + "." + Session.ACCOUNT_ID, "")));
                data = new Document("$cond", List.of(present("$" + KEPT_ACCOUNT_ID),
                        new Document("$mergeObjects", List.of(data, new Document(Session.ACCOUNT_ID, "$" + KEPT_ACCOUNT_ID))),
                        data));
                unset.add(KEPT_ACCOUNT_ID);
            }
            stages.add(addFields(before));
            stages.add(new Document("$unset", List.of(DATA)));
            set = new Document(DATA, data);
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
        if (touch != null) {
            set.append(EXPIRES, slide(now, touch));
        }
        stages.add(addFields(set));
        if (!unset.isEmpty()) {
            stages.add(new Document("$unset", unset));
        }
        return stages;
    }

    /**
     * After the filter missed a live document: throws the exception of the rule that refused the
     * write, judged on {@code current} exactly as the filter judges it (owner first, as
     * {@link Mutation#applyTo(Session)} does). Returns normally when {@code current} passes both, i.e.
     * a concurrent write changed it since the miss: the caller tries again.
     */
    void checkRules(Document current) {
        if (ownerGuarded() && !Objects.equals(current.getString(USER), mutation.newUserId())) {
            throw new OwnerChangeForbiddenException();
        }
        if (sizeGuarded() && sizeAfter(current) > mutation.maxDataBytes()) {
            throw new SessionTooLargeException(mutation.maxDataBytes());
        }
    }

    /** The Java twin of {@link #sizeAfter()}, on a document read from the collection. */
    long sizeAfter(Document current) {
        Document data = current.get(DATA, Document.class);
        Document stored = data != null ? data : new Document();
        if (mutation instanceof Mutation.Replace replace) {
            long size = SessionDocuments.storedSize(replace.data());
            return keepsAccountId(replace) ? size + storedFieldSize(stored, Session.ACCOUNT_ID) : size;
        }
        Mutation.Patch patch = (Mutation.Patch) mutation;
        long size = current.get(DATA_BYTES) instanceof Number n ? n.longValue() : legacySize(stored);
        for (String name : touched(patch)) {
            size -= storedFieldSize(stored, name);
        }
        return size + addedSize(patch);
    }

    // ---- the size after the write, as an aggregation expression ----

    private Object sizeAfter() {
        if (mutation instanceof Mutation.Replace replace) {
            long size = SessionDocuments.storedSize(replace.data());
            return keepsAccountId(replace) ? new Document("$add", List.of(size, storedFieldSize(Session.ACCOUNT_ID))) : size;
        }
        Mutation.Patch patch = (Mutation.Patch) mutation;
        List<Object> removed = new ArrayList<>();
        for (String name : touched(patch)) {
            removed.add(storedFieldSize(name));
        }
        // Documents written before dataBytes existed are sized from their data (see legacySize).
        Object current = new Document("$ifNull", List.of("$" + DATA_BYTES, legacySize()));
        Document grown = new Document("$add", List.of(current, addedSize(patch)));
        return removed.isEmpty() ? grown : new Document("$subtract", List.of(grown, new Document("$add", removed)));
    }

    /** A field's stored size in the document being updated: 0 when absent (stored texts are never empty). */
    private static Document storedFieldSize(String name) {
        Document length = new Document("$strLenBytes", new Document("$ifNull", List.of("$" + DATA + "." + escape(name), "")));
        return new Document("$cond", List.of(new Document("$gt", List.of(length, 0)),
                new Document("$add", List.of(length, DataSize.utf8Length(name))), 0));
    }

    private static long storedFieldSize(Document data, String name) {
        String text = data.getString(escape(name));
        return text == null || text.isEmpty() ? 0 : fieldSize(name, text);
    }

    /**
     * The size of a document without {@code dataBytes} (stored before this field existed): its
     * escaped names and texts, which is never less than the stored size (an escape is longer than
     * what it stands for), so such a session can only be refused early, never grow past the limit.
     * The first write stores it as {@code dataBytes}; a PUT makes it exact.
     */
    private static Document legacySize() {
        Document fieldBytes = new Document("$add", List.of("$$value",
                new Document("$strLenBytes", "$$this.k"), new Document("$strLenBytes", "$$this.v")));
        return new Document("$reduce", new Document("input", new Document("$objectToArray",
                new Document("$ifNull", List.of("$" + DATA, new Document()))))
                .append("initialValue", 0L)
                .append("in", fieldBytes));
    }

    private static long legacySize(Document data) {
        long size = 0;
        for (Map.Entry<String, Object> e : data.entrySet()) {
            size += DataSize.utf8Length(e.getKey()) + DataSize.utf8Length((String) e.getValue());
        }
        return size;
    }

    /** The names whose current values the patch drops or overwrites. */
    private static Set<String> touched(Mutation.Patch patch) {
        Set<String> names = new LinkedHashSet<>(patch.remove());
        patch.set().properties().forEach(e -> names.add(e.getKey()));
        return names;
    }

    /** The stored size of the fields the patch writes (a field it also removes ends up absent). */
    private static long addedSize(Mutation.Patch patch) {
        ObjectNode added = patch.set().deepCopy();
        patch.remove().forEach(added::remove);
        return SessionDocuments.storedSize(added);
    }

    // ---- helpers ----

    private boolean ownerGuarded() {
        return mutation.ownerFixed() && mutation.changesUserId();
    }

    private boolean sizeGuarded() {
        return mutation.maxDataBytes() != Mutation.UNLIMITED;
    }

    private static boolean keepsAccountId(Mutation.Replace replace) {
        return !replace.data().has(Session.ACCOUNT_ID);
    }

    private static Document present(String stringPath) {
        return new Document("$gt", List.of(new Document("$strLenBytes", stringPath), 0));
    }

    /**
     * The new expiry of a touched session: now + ttl (at most its lifetimeEnd) when sliding and that moves it by more than the
     * resolution ({@link TouchResolution#mustWrite}: min(max, ttl / 100), i.e. ttl in s × 10 ms),
     * else unchanged, so the update leaves the document as it was and MongoDB writes nothing.
     */
    static Document slide(Date now, TouchResolution resolution) {
        Document uncapped = new Document("$add", List.of(now, new Document("$multiply", List.of("$" + TTL, 1000L))));
        // Never past the lifetime cap; a session at its cap is then never due, so nothing is written.
        Document nowPlusTtl = new Document("$min", List.of(uncapped,
                new Document("$ifNull", List.of("$" + SessionDocuments.LIFETIME_END, uncapped))));
        Document resolutionMillis = new Document("$min", List.of(resolution.maxMillis(),
                new Document("$multiply", List.of("$" + TTL, 10L))));
        Document due = new Document("$gt", List.of(nowPlusTtl,
                new Document("$add", List.of("$" + EXPIRES, resolutionMillis))));
        return new Document("$cond", List.of(new Document("$and", List.of("$" + SLIDING, due)), nowPlusTtl, "$" + EXPIRES));
    }

    // $addFields rather than its alias $set: both are update-pipeline stages on MongoDB, and the
    // test server knows only $addFields.
    static Document addFields(Document fields) {
        return new Document("$addFields", fields);
    }

    static Document literal(Object value) {
        return new Document("$literal", value);
    }
}
