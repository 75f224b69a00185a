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
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Which sessions a user has, without N1QL: one document per user, rewritten with CAS.
 *
 * <pre>
 * key  "session-user::" + base64url(SHA-256(userId))
 * {"type":"session-user-index", "userId":"…",
 *  "sessions":{"&lt;session key digest&gt;":{"until":&lt;epoch ms&gt;, "incarnation":"&lt;id&gt;"}, …}}
 * </pre>
 *
 * An entry is a hint that readers check against the session document (owner, liveness). Its
 * {@code until} is never earlier than the session's expiry (the store raises it before it writes a
 * later expiry), so an entry whose {@code until} has passed is certainly stale: every write of the
 * index drops such entries, and the document's own Couchbase expiry is its latest {@code until}, so
 * an abandoned index disappears by itself. Entries of deleted or moved sessions are skipped by
 * readers until then; revoke-all drops the entries of the sessions it ended.
 */
final class UserIndex {

    static final String KEY_PREFIX = "session-user::";

    /** What one read of the index found; {@code cas} 0 when there is no index document. */
    record Entries(Map<String, Entry> sessions, long cas) {
    }

    record Entry(long until, String incarnation) {
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
            return new Entries(new HashMap<>(), 0);
        }
        Map<String, Entry> sessions = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : SessionDocument.parse(result.contentAs(byte[].class)).path("sessions").properties()) {
            sessions.put(e.getKey(), new Entry(e.getValue().path("until").asLong(), e.getValue().path("incarnation").asText()));
        }
        return new Entries(sessions, result.cas());
    }

    /** Records (or raises) the entry of a session: {@code until} only ever grows. Two KV operations. */
    void add(String userId, String sessionKey, long until, String incarnation) {
        update(userId, null, sessions -> sessions.merge(sessionKey, new Entry(until, incarnation),
                (old, now) -> new Entry(Math.max(old.until(), now.until()), now.incarnation())));
    }

    /**
     * Drops the entries of ended sessions, each only while it still names the incarnation that was
     * ended (a session re-created under the same token keeps its entry). Starts from {@code seen},
     * the read that found them, so it costs one KV operation unless the index changed meanwhile.
     */
    void removeEnded(String userId, Entries seen, Map<String, String> endedIncarnations) {
        update(userId, seen, sessions -> endedIncarnations.forEach((sessionKey, incarnation) -> {
            Entry entry = sessions.get(sessionKey);
            if (entry != null && entry.incarnation().equals(incarnation)) {
                sessions.remove(sessionKey);
            }
        }));
    }

    /** Read, change, write with CAS; again from a fresh read when another writer came first. */
    private void update(String userId, Entries first, Consumer<Map<String, Entry>> change) {
        Entries current = first;
        for (int attempt = 0; attempt < Kv.MAX_ATTEMPTS; attempt++) {
            if (current == null) {
                current = read(userId);
            }
            long now = clock.millis();
            Map<String, Entry> sessions = new HashMap<>(current.sessions());
            sessions.values().removeIf(entry -> entry.until() <= now);
            change.accept(sessions);
            if (sessions.equals(current.sessions()) || write(userId, current.cas(), sessions)) {
                return;
            }
            current = null;
        }
        throw Kv.contention("the session index of a user");
    }

    /** @return false when another writer changed the document since {@code cas} was read */
    private boolean write(String userId, long cas, Map<String, Entry> sessions) {
        String key = key(userId);
        try {
            if (sessions.isEmpty()) {
                if (cas != 0) {
                    Kv.call(() -> collection.remove(key, removeOptions().cas(cas)));
                }
                return true;
            }
            ObjectNode doc = Json.MAPPER.createObjectNode();
            doc.put("type", "session-user-index");
            doc.put("userId", userId);
            ObjectNode entries = doc.putObject("sessions");
            long until = 0;
            for (Map.Entry<String, Entry> e : sessions.entrySet()) {
                entries.putObject(e.getKey()).put("until", e.getValue().until()).put("incarnation", e.getValue().incarnation());
                until = Math.max(until, e.getValue().until());
            }
            byte[] content = SessionDocument.bytes(doc);
            var expiry = Kv.expiry(Instant.ofEpochMilli(until));
            if (cas == 0) {
                Kv.call(() -> collection.insert(key, content, insertOptions().expiry(expiry)));
            } else {
                Kv.call(() -> collection.replace(key, content, replaceOptions().cas(cas).expiry(expiry)));
            }
            return true;
        } catch (CasMismatchException | DocumentExistsException | DocumentNotFoundException e) {
            return false;
        }
    }
}
