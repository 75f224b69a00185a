package io.sessionservice.store.couchbase;

import static com.couchbase.client.java.kv.InsertOptions.insertOptions;
import static com.couchbase.client.java.kv.RemoveOptions.removeOptions;
import static com.couchbase.client.java.kv.ReplaceOptions.replaceOptions;

import com.couchbase.client.core.error.CasMismatchException;
import com.couchbase.client.core.error.DocumentExistsException;
import com.couchbase.client.core.error.DocumentNotFoundException;
import com.couchbase.client.java.Collection;
import com.couchbase.client.java.kv.GetResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which sessions a user has, without N1QL: one document per user, rewritten whole with CAS.
 *
 * <pre>
 * key  "session-user::" + base64url(SHA-256(userId))
 * {"type":"session-user-index", "userId":"…",
 *  "sessions":{"&lt;session key&gt;":{"createdAt":&lt;ms&gt;, "until":&lt;ms&gt;, "incarnation":"&lt;id&gt;",
 *                                   "pendingUntil":&lt;ms&gt;}, …}}
 * </pre>
 *
 * Entries are read into a list ordered newest first ({@code createdAt} descending), so a page of the
 * user's sessions is found in the one index document without reading the sessions before it. The
 * entry count is bounded: live entries by the per-user cap, stale ones by the upkeep below.
 *
 * <p>An entry is a hint that readers check against the session document (owner, liveness, see
 * {@link IndexedSessions}). Its {@code until} is never earlier than the session's expiry (the store
 * raises it before it writes a later expiry), so an entry whose {@code until} has passed is certainly
 * stale and every index write drops it; the document's Couchbase expiry is its latest {@code until}.
 * An entry is written before its session document (an insert) or before the document names this
 * owner (an owner change): until {@code pendingUntil} such an entry is "pending", not stale, even
 * when its document is missing or names another owner, so a reader never drops the entry of a write
 * in flight. Every {@link #add} writes the document (a new CAS), so a drop computed from an older
 * read fails its CAS and is recomputed from the current entries.
 */
final class UserIndex {

    static final String KEY_PREFIX = "session-user::";

    /** How long a missing or foreign session document may still be a write in flight for its entry. */
    static final long PENDING_MILLIS = 60_000;

    /** Newest first; ties by key, so the order is stable (ties by token are for the reader to make). */
    static final Comparator<Entry> NEWEST_FIRST = Comparator.comparingLong(Entry::createdAt).reversed()
            .thenComparing(Entry::sessionKey, Comparator.reverseOrder());

    /** One session of the user, as far as the index knows. */
    record Entry(String sessionKey, long createdAt, long until, String incarnation, long pendingUntil) {

        boolean pendingAt(long nowMillis) {
            return nowMillis < pendingUntil;
        }
    }

    /** What one read of the index found, newest first; {@code cas} 0 when there is no index document. */
    record Entries(List<Entry> newestFirst, long cas) {

        static final Entries NONE = new Entries(List.of(), 0);

        int size() {
            return newestFirst.size();
        }

        /** The position of the first entry created at or before {@code createdAtMillis}: a binary search. */
        int firstAtOrBefore(long createdAtMillis) {
            int low = 0;
            int high = newestFirst.size();
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (newestFirst.get(mid).createdAt() > createdAtMillis) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low;
        }
    }

    private final Collection collection;
    private final Clock clock;

    UserIndex(Collection collection, Clock clock) {
        this.collection = collection;
        this.clock = clock;
    }

    static String key(String userId) {
        return KEY_PREFIX + SessionDocument.digest(userId);
    }

    /** One KV read. */
    Entries read(String userId) {
        GetResult result;
        try {
            result = Kv.call(() -> collection.get(key(userId)));
        } catch (DocumentNotFoundException e) {
            return Entries.NONE;
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : SessionDocument.parse(result.contentAs(byte[].class)).path("sessions").properties()) {
            JsonNode v = e.getValue();
            entries.add(new Entry(e.getKey(), v.path("createdAt").asLong(), v.path("until").asLong(),
                    v.path("incarnation").asText(), v.path("pendingUntil").asLong()));
        }
        entries.sort(NEWEST_FIRST);
        return new Entries(List.copyOf(entries), result.cas());
    }

    /**
     * Records an entry, or raises the one of the same incarnation ({@code until} and
     * {@code pendingUntil} only ever grow). Always writes, so drops computed from older reads fail
     * their CAS. Two KV operations (more under contention).
     * @return the user's entries as written
     */
    Entries add(String userId, Entry entry) {
        return update(userId, null, true, entries -> {
            Entry old = find(entries, entry.sessionKey());
            entries.remove(old);
            entries.add(old == null || !old.incarnation().equals(entry.incarnation()) ? entry
                    : new Entry(entry.sessionKey(), entry.createdAt(), Math.max(old.until(), entry.until()),
                            entry.incarnation(), Math.max(old.pendingUntil(), entry.pendingUntil())));
        });
    }

    /**
     * Drops {@code stale} entries in one write against {@code seen}, only if the index did not change
     * since (a reader's lazy upkeep: it gives up on a conflict, the next reader tries again).
     */
    void dropIfUnchanged(String userId, Entries seen, Set<Entry> stale) {
        if (stale.isEmpty()) {
            return;
        }
        List<Entry> kept = new ArrayList<>(seen.newestFirst());
        kept.removeIf(stale::contains);
        try {
            write(userId, seen.cas(), kept);
        } catch (CasMismatchException | Kv.Again e) {
            // changed meanwhile: left for the next reader
        }
    }

    /**
     * Drops {@code stale} entries (each only while it is exactly as it was read) and the entries of
     * sessions this store removed ({@code ended}: key → incarnation; only while they still name that
     * incarnation, since a session re-created under the same token is a new entry). Starts from
     * {@code seen}, so it costs one KV operation unless the index changed meanwhile; none when there
     * is nothing to drop.
     */
    void drop(String userId, Entries seen, Set<Entry> stale, Map<String, String> ended) {
        if (stale.isEmpty() && ended.isEmpty()) {
            return;
        }
        update(userId, seen, false, entries -> entries.removeIf(e -> stale.contains(e)
                || e.incarnation().equals(ended.get(e.sessionKey()))));
    }

    private static Entry find(List<Entry> entries, String sessionKey) {
        return entries.stream().filter(e -> e.sessionKey().equals(sessionKey)).findFirst().orElse(null);
    }

    /** Read, change, write with CAS; again from a fresh read when another writer came first. */
    private Entries update(String userId, Entries first, boolean alwaysWrite, Consumer<List<Entry>> change) {
        Entries[] from = {first};
        return Kv.retrying("the session index of a user", () -> {
            Entries current = from[0] != null ? from[0] : read(userId);
            from[0] = null;
            long now = clock.millis();
            List<Entry> entries = new ArrayList<>(current.newestFirst());
            entries.removeIf(entry -> entry.until() <= now);
            change.accept(entries);
            entries.sort(NEWEST_FIRST);
            if (!alwaysWrite && entries.equals(current.newestFirst())) {
                return current;
            }
            return new Entries(List.copyOf(entries), write(userId, current.cas(), entries));
        });
    }

    /**
     * @return the new CAS (0 when the document was removed)
     * @throws Kv.Again when another writer changed the document since {@code cas} was read
     */
    private long write(String userId, long cas, List<Entry> entries) {
        String key = key(userId);
        try {
            if (entries.isEmpty()) {
                if (cas != 0) {
                    Kv.call(() -> collection.remove(key, removeOptions().cas(cas)));
                }
                return 0;
            }
            ObjectNode doc = Json.MAPPER.createObjectNode();
            doc.put("type", "session-user-index");
            doc.put("userId", userId);
            ObjectNode sessions = doc.putObject("sessions");
            long until = 0;
            for (Entry e : entries) {
                sessions.putObject(e.sessionKey()).put("createdAt", e.createdAt()).put("until", e.until())
                        .put("incarnation", e.incarnation()).put("pendingUntil", e.pendingUntil());
                until = Math.max(until, e.until());
            }
            byte[] content = SessionDocument.bytes(doc);
            var expiry = Kv.expiry(Instant.ofEpochMilli(until));
            if (cas == 0) {
                return Kv.call(() -> collection.insert(key, content, insertOptions().expiry(expiry))).cas();
            }
            return Kv.call(() -> collection.replace(key, content, replaceOptions().cas(cas).expiry(expiry))).cas();
        } catch (DocumentExistsException | DocumentNotFoundException e) {
            throw new Kv.Again();
        }
    }
}
