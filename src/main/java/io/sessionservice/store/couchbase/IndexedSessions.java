package io.sessionservice.store.couchbase;

import static com.couchbase.client.java.kv.RemoveOptions.removeOptions;

import com.couchbase.client.core.error.DocumentNotFoundException;
import com.couchbase.client.java.Collection;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.store.couchbase.SessionDocument.Stored;
import io.sessionservice.store.couchbase.UserIndex.Entries;
import io.sessionservice.store.couchbase.UserIndex.Entry;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A user's sessions through the user's index ({@link UserIndex}): pages newest first, the per-user
 * cap, revoke-all. Every entry is checked against its session document before it counts:
 * <ul>
 *   <li>live: the document is live and names this user (whatever incarnation the entry names);</li>
 *   <li>stale: the document is the entry's incarnation and expired (nothing revives it), or the
 *       entry's pending time has passed and the document is missing, another incarnation or another
 *       user's: the entry is dropped (lazily: by the next index write that starts from this read);</li>
 *   <li>pending: otherwise; a write in flight may still make it live, so it is neither listed nor
 *       counted nor dropped.</li>
 * </ul>
 */
final class IndexedSessions {

    private enum State { LIVE, STALE, PENDING }

    /** A live session and the index entry that led to it. */
    private record Live(Entry entry, Stored doc) {
        Session session() {
            return doc.session();
        }
    }

    /** Within one creation instant: by token descending, as {@link PageStart#NEWEST_FIRST}. */
    private static final Comparator<Live> TOKEN_DESCENDING =
            Comparator.comparing((Live l) -> l.session().token(), Comparator.reverseOrder());

    private final Collection collection;
    private final Clock clock;
    private final UserIndex index;

    IndexedSessions(Collection collection, Clock clock, UserIndex index) {
        this.collection = collection;
        this.clock = clock;
        this.index = index;
    }

    /**
     * One page, newest first: one index read, then the sessions of only as many entries as the page
     * still needs (whole creation instants, so ties can be ordered by token), in parallel; more
     * rounds only when entries turn out stale or pending. Stale entries met are dropped with one
     * more write.
     */
    List<Session> page(String userId, PageStart start, int limit) {
        Entries entries = index.read(userId);
        List<Entry> all = entries.newestFirst();
        Instant now = clock.instant();
        List<Session> found = new ArrayList<>();
        Set<Entry> stale = new HashSet<>();
        int toSkip = start.skip();
        int position = entries.firstAtOrBefore(start.createdAtMillis());
        while (found.size() < limit && position < all.size()) {
            boolean atStart = all.get(position).createdAt() == start.createdAtMillis();
            long wanted = (long) limit - found.size() + (atStart ? toSkip : 0);
            int end = endOfInstant(all, (int) Math.min(all.size(), position + wanted));
            List<Entry> batch = all.subList(position, end);
            Map<String, Stored> docs = read(batch, now, stale);
            for (List<Live> sameInstant : liveByInstant(userId, batch, docs, now, stale)) {
                for (Live live : sameInstant) {
                    if (toSkip > 0 && live.entry().createdAt() == start.createdAtMillis()) {
                        toSkip--;
                    } else if (found.size() < limit) {
                        found.add(live.session());
                    }
                }
            }
            position = end;
        }
        index.dropIfUnchanged(userId, entries, stale);
        return found;
    }

    /**
     * Ends the user's oldest live sessions until at most {@code cap} remain, then drops their
     * entries and the stale ones met. Reads the sessions of every entry: it runs only when the index
     * holds more than {@code cap} entries.
     */
    void endOldestPast(String userId, Entries entries, int cap) {
        Instant now = clock.instant();
        Set<Entry> stale = new HashSet<>();
        Map<String, Stored> docs = read(entries.newestFirst(), now, stale);
        Map<String, String> ended = new HashMap<>();
        int kept = 0;
        for (List<Live> sameInstant : liveByInstant(userId, entries.newestFirst(), docs, now, stale)) {
            for (Live live : sameInstant) {
                if (++kept > cap) {
                    end(userId, live.doc());
                    ended.put(live.entry().sessionKey(), live.entry().incarnation());
                }
            }
        }
        index.drop(userId, entries, stale, ended);
    }

    /** Revoke-all: ends every live session of the user. @return how many were ended */
    int endAll(String userId) {
        Entries entries = index.read(userId);
        Instant now = clock.instant();
        Set<Entry> stale = new HashSet<>();
        Map<String, Stored> docs = read(entries.newestFirst(), now, stale);
        Map<String, String> ended = new HashMap<>();
        int count = 0;
        for (List<Live> sameInstant : liveByInstant(userId, entries.newestFirst(), docs, now, stale)) {
            for (Live live : sameInstant) {
                count += end(userId, live.doc()) ? 1 : 0;
                ended.put(live.entry().sessionKey(), live.entry().incarnation());
            }
        }
        index.drop(userId, entries, stale, ended);
        return count;
    }

    /**
     * Removes the session while it is live and this user's, with the CAS of the read that showed it
     * ({@code seen} first, then fresh reads when it changed meanwhile).
     */
    private boolean end(String userId, Stored seen) {
        String key = SessionDocument.key(seen.session().token());
        Stored[] next = {seen};
        return Kv.retrying("ending a session", () -> {
            Stored current = next[0] != null ? next[0] : SessionDocument.get(collection, key).orElse(null);
            next[0] = null;
            if (current == null || !current.session().isLiveAt(clock.instant()) || !userId.equals(current.session().userId())) {
                return false;
            }
            try {
                Kv.call(() -> collection.remove(key, removeOptions().cas(current.cas())));
                return true;
            } catch (DocumentNotFoundException e) {
                return false;
            }
        });
    }

    /** The documents of these entries, skipping (as stale) entries whose {@code until} has passed. */
    private Map<String, Stored> read(List<Entry> entries, Instant now, Set<Entry> stale) {
        List<String> keys = new ArrayList<>();
        for (Entry e : entries) {
            if (e.until() <= now.toEpochMilli()) {
                stale.add(e);
            } else {
                keys.add(e.sessionKey());
            }
        }
        return SessionDocument.getAll(collection, keys);
    }

    /**
     * The live sessions of these entries (newest first, as the index orders them), one list per
     * creation instant, each ordered by token descending ({@link PageStart#NEWEST_FIRST}); stale
     * entries are added to {@code stale}.
     */
    private static List<List<Live>> liveByInstant(String userId, List<Entry> entries, Map<String, Stored> docs,
                                                  Instant now, Set<Entry> stale) {
        List<List<Live>> groups = new ArrayList<>();
        List<Live> group = new ArrayList<>();
        long instant = Long.MIN_VALUE;
        for (Entry e : entries) {
            if (e.createdAt() != instant && !group.isEmpty()) {
                group.sort(TOKEN_DESCENDING);
                groups.add(group);
                group = new ArrayList<>();
            }
            instant = e.createdAt();
            if (stale.contains(e)) {
                continue;
            }
            Stored doc = docs.get(e.sessionKey());
            switch (state(userId, e, doc, now)) {
                case LIVE -> group.add(new Live(e, doc));
                case STALE -> stale.add(e);
                case PENDING -> { }
            }
        }
        if (!group.isEmpty()) {
            group.sort(TOKEN_DESCENDING);
            groups.add(group);
        }
        return groups;
    }

    private static State state(String userId, Entry e, Stored doc, Instant now) {
        boolean live = doc != null && doc.session().isLiveAt(now);
        if (live && !doc.rotated() && userId.equals(doc.session().userId())) {
            return State.LIVE;
        }
        if (doc != null && !live && doc.incarnation().equals(e.incarnation())) {
            return State.STALE; // expired: nothing writes to an expired incarnation again
        }
        return e.pendingAt(now.toEpochMilli()) ? State.PENDING : State.STALE;
    }

    /** The end (exclusive) of the entries from {@code end - 1} on created in that same millisecond. */
    private static int endOfInstant(List<Entry> entries, int end) {
        int i = Math.max(end, 1);
        while (i < entries.size() && entries.get(i).createdAt() == entries.get(i - 1).createdAt()) {
            i++;
        }
        return i;
    }
}
