package io.sessionservice.core;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Where a page of one user's sessions starts. A user's sessions are ordered newest first: by
 * {@code createdAt} descending, sessions created in the same millisecond by token descending. A page
 * holds the live sessions created at or before {@code createdAtMillis}, less the first {@code skip}
 * of those created exactly then. The position names no token, so a cursor built from it can sit in
 * an access log.
 */
public record PageStart(long createdAtMillis, int skip) {

    /** The newest session first. */
    public static final PageStart FIRST = new PageStart(Long.MAX_VALUE, 0);

    /** The order of a user's sessions: newest first, ties by token descending. */
    public static final Comparator<Session> NEWEST_FIRST = Comparator
            .comparing((Session s) -> s.createdAt().toEpochMilli()).reversed()
            .thenComparing(Session::token, Comparator.reverseOrder());

    public PageStart {
        if (skip < 0) {
            throw new IllegalArgumentException("skip < 0");
        }
    }

    /** Whether a session created at {@code createdAtMillis} lies at or before this start. */
    public boolean admits(long createdMillis) {
        return createdMillis <= createdAtMillis;
    }

    /**
     * The page from this start in {@code sessions} (all live, of one user, in any order): for stores
     * whose user index is small and read whole (bounded by maxSessionsPerUser).
     */
    public List<Session> select(Collection<Session> sessions, int limit) {
        return sessions.stream()
                .filter(s -> admits(s.createdAt().toEpochMilli()))
                .sorted(NEWEST_FIRST)
                .skip(skipAmong(sessions))
                .limit(limit)
                .toList();
    }

    /** How many sessions to read in index order for a page of {@code limit} from this start: skip + limit. */
    public int fetchSize(int limit) {
        return (int) Math.min((long) skip + limit, Integer.MAX_VALUE);
    }

    /**
     * The page in {@code fetched}: the first {@link #fetchSize} live sessions of a user from this start in
     * index order (newest first). Those created exactly at the start come first, so the page is what
     * follows the first {@code skip} of them: for stores that read a range of a user index.
     */
    public List<Session> pageOf(List<Session> fetched, int limit) {
        int skipped = 0;
        while (skipped < skip && skipped < fetched.size()
                && fetched.get(skipped).createdAt().toEpochMilli() == createdAtMillis) {
            skipped++;
        }
        return fetched.subList(skipped, Math.min(fetched.size(), skipped + limit));
    }

    private long skipAmong(Collection<Session> sessions) {
        // Only sessions created exactly at the start instant are skipped; they sort first.
        return Math.min(skip, sessions.stream().filter(s -> s.createdAt().toEpochMilli() == createdAtMillis).count());
    }
}
