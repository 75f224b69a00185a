package io.sessionservice.store;

import static io.sessionservice.testing.TestSessions.newUser;
import static io.sessionservice.testing.TestSessions.parse;
import static io.sessionservice.testing.TestSessions.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.DataSize;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.OwnerChangeForbiddenException;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.SessionTooLargeException;
import io.sessionservice.core.Tokens;
import io.sessionservice.testing.Concurrently;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The bounds and the ownership rule every store checks atomically with its writes (SPEC §2): a
 * token-only write never changes the owner, data never grows past its limit, a user never holds more
 * than the cap, and a user's sessions come newest first in pages. Part of {@link SessionStoreContract}.
 */
public interface SessionBoundsContract {

    SessionStore store();

    TestClock clock();

    void advanceClock(Duration d) throws Exception;

    // ---- ownership: a token-only write (ownerFixed) never changes the owner ----

    @Test
    default void tokenOnlyPatchMayNotSetAnotherOwner() {
        String owner = newUser();
        Session s = insert(owner, "{\"n\":1}");
        Mutation escalate = new Mutation.Patch(parse("{\"AccountId\":\"alice\",\"n\":2}"), Set.of(), true, Mutation.UNLIMITED);
        assertThrows(OwnerChangeForbiddenException.class, () -> store().update(s.token(), escalate, true));
        assertUnchanged(s);
        assertTrue(store().findByUser("alice").isEmpty());
    }

    @Test
    default void tokenOnlyPatchMayNotRemoveTheOwner() {
        String owner = newUser();
        Session s = insert(owner, "{\"n\":1}");
        Mutation hide = new Mutation.Patch(parse("{\"n\":2}"), Set.of(Session.ACCOUNT_ID), true, Mutation.UNLIMITED);
        assertThrows(OwnerChangeForbiddenException.class, () -> store().update(s.token(), hide, true));
        Mutation nonString = new Mutation.Patch(parse("{\"AccountId\":7}"), Set.of(), true, Mutation.UNLIMITED);
        assertThrows(OwnerChangeForbiddenException.class, () -> store().update(s.token(), nonString, true));
        assertUnchanged(s);
        assertEquals(List.of(s.token()), tokens(store().findByUser(owner)));
    }

    @Test
    default void tokenOnlyWriteMayNotGiveAnOwnerlessSessionAnOwner() {
        Session s = insert(null, "{\"n\":1}");
        Mutation claim = new Mutation.Replace(parse("{\"AccountId\":\"alice\"}"), true, Mutation.UNLIMITED);
        assertThrows(OwnerChangeForbiddenException.class, () -> store().update(s.token(), claim, true));
        assertUnchanged(s);
        assertTrue(store().findByUser("alice").isEmpty());
    }

    @Test
    default void tokenOnlyWritesThatKeepTheOwnerSucceed() {
        String owner = newUser();
        Session s = insert(owner, "{\"n\":1}");
        Session patched = store().update(s.token(), new Mutation.Patch(
                parse("{\"AccountId\":\"" + owner + "\",\"n\":2}"), Set.of(), true, Mutation.UNLIMITED), true).orElseThrow();
        assertEquals(owner, patched.userId());
        Session replaced = store().update(s.token(),
                new Mutation.Replace(parse("{\"m\":3}"), true, Mutation.UNLIMITED), true).orElseThrow();
        assertEquals(parse("{\"m\":3,\"AccountId\":\"" + owner + "\"}"), replaced.data());
        assertEquals(owner, replaced.userId());
        assertEquals(replaced.data(), store().find(s.token(), false).orElseThrow().data());
        assertEquals(List.of(s.token()), tokens(store().findByUser(owner)));
        // an ownerless session stays ownerless: removing the absent AccountId changes no owner
        Session free = insert(null, "{\"n\":1}");
        assertTrue(store().update(free.token(), new Mutation.Patch(parse("{}"), Set.of(Session.ACCOUNT_ID), true,
                Mutation.UNLIMITED), true).isPresent());
    }

    @Test
    default void keyedWriteMovesTheOwner() {
        String owner = newUser();
        String next = newUser();
        Session s = insert(owner, "{}");
        store().update(s.token(), new Mutation.Patch(parse("{\"AccountId\":\"" + next + "\"}"), Set.of(), false,
                Mutation.UNLIMITED), true).orElseThrow();
        assertTrue(store().findByUser(owner).isEmpty());
        assertEquals(List.of(s.token()), tokens(store().findByUser(next)));
    }

    // ---- size: data never grows past the mutation's limit ----

    @Test
    default void writePastTheSizeLimitIsRefusedAndChangesNothing() {
        Session s = insert(newUser(), "{\"a\":\"0123456789\"}");
        long size = DataSize.of(s.data());
        String big = "x".repeat(100);
        Mutation grow = new Mutation.Patch(parse("{\"b\":\"" + big + "\"}"), Set.of(), false, size + 50);
        assertThrows(SessionTooLargeException.class, () -> store().update(s.token(), grow, true));
        Mutation replace = new Mutation.Replace(parse("{\"b\":\"" + big + "\"}"), false, size + 50);
        assertThrows(SessionTooLargeException.class, () -> store().update(s.token(), replace, true));
        assertUnchanged(s);
    }

    @Test
    default void writeExactlyAtTheSizeLimitIsAccepted() {
        Session s = insert(null, "{\"a\":\"0123456789\"}");
        ObjectNode add = parse("{\"é\":\"日本\",\"n\":[1,2.50,null]}");
        long after = DataSize.of(s.data()) + DataSize.of(add);
        Session patched = store().update(s.token(), new Mutation.Patch(add, Set.of(), false, after), true).orElseThrow();
        assertEquals(after, DataSize.of(patched.data()));
        // replacing a field counts its new value only, and removing fields makes room
        ObjectNode swap = parse("{\"a\":\"01234567890123456789\"}");
        assertThrows(SessionTooLargeException.class,
                () -> store().update(s.token(), new Mutation.Patch(swap, Set.of(), false, after), true));
        Session shrunk = store().update(s.token(), new Mutation.Patch(swap, Set.of("n"), false, after), true)
                .orElseThrow();
        assertEquals(parse("{\"a\":\"01234567890123456789\",\"é\":\"日本\"}"), shrunk.data());
    }

    @Test
    default void concurrentPatchesNeverOvershootTheSizeLimit() throws Exception {
        Session s = insert(null, "{}");
        ObjectNode one = parse("{\"f00\":\"" + "v".repeat(90) + "\"}");
        long perField = DataSize.of(one);
        long limit = perField * 5; // room for 5 of the 16 fields
        AtomicInteger refused = new AtomicInteger();
        Concurrently.run(16, i -> {
            ObjectNode field = parse("{\"f" + (i < 10 ? "0" : "") + i + "\":\"" + "v".repeat(90) + "\"}");
            try {
                store().update(s.token(), new Mutation.Patch(field, Set.of(), false, limit), true).orElseThrow();
            } catch (SessionTooLargeException e) {
                refused.incrementAndGet();
            }
        });
        ObjectNode data = store().find(s.token(), false).orElseThrow().data();
        assertEquals(5, data.size(), "exactly the writes that fit were applied: " + data.size());
        assertEquals(11, refused.get());
        assertTrue(DataSize.of(data) <= limit);
    }

    // ---- per user: a cap on live sessions, newest first, in pages ----

    @Test
    default void insertPastTheCapEndsTheUsersOldestSessions() throws Exception {
        String owner = newUser();
        List<Session> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Session s = session(owner, "{}", clock().instant().plusMillis(i), 600);
            assertTrue(store().insert(s, 3));
            made.add(s);
        }
        Session other = insert(newUser(), "{}");
        assertEquals(tokens(List.of(made.get(4), made.get(3), made.get(2))), tokens(store().findByUser(owner)));
        assertTrue(store().find(made.get(0).token(), false).isEmpty());
        assertTrue(store().find(made.get(1).token(), false).isEmpty());
        assertTrue(store().find(other.token(), false).isPresent());
    }

    @Test
    default void expiredAndMovedSessionsDoNotCountAgainstTheCap() throws Exception {
        String owner = newUser();
        Session shortLived = session(owner, "{}", clock().instant(), 5);
        assertTrue(store().insert(shortLived, 2));
        Session moved = session(owner, "{}", clock().instant().plusMillis(1), 600);
        assertTrue(store().insert(moved, 2));
        store().update(moved.token(), new Mutation.Patch(parse("{\"AccountId\":\"" + newUser() + "\"}"), Set.of()), false);
        advanceClock(Duration.ofSeconds(6));
        Session a = session(owner, "{}", clock().instant(), 600);
        Session b = session(owner, "{}", clock().instant().plusMillis(1), 600);
        assertTrue(store().insert(a, 2));
        assertTrue(store().insert(b, 2));
        assertEquals(tokens(List.of(b, a)), tokens(store().findByUser(owner)));
        assertTrue(store().find(moved.token(), false).isPresent(), "a session of another user is never ended");
    }

    @Test
    default void sessionsOfAUserComeNewestFirstWithTiesByTokenDescending() {
        String owner = newUser();
        Instant t = clock().instant();
        List<Session> made = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            made.add(session(owner, "{}", t.minusMillis(i < 4 ? 0 : i), 600)); // four share one instant
        }
        made.forEach(s -> assertTrue(store().insert(s)));
        List<Session> expected = made.stream().sorted(PageStart.NEWEST_FIRST).toList();
        assertEquals(tokens(expected), tokens(store().findByUser(owner)));
        assertEquals(tokens(expected.subList(0, 1)), tokens(store().findByUser(owner, PageStart.FIRST, 1)));
    }

    @Test
    default void pagesFromAStartCoverEverySessionOnce() {
        String owner = newUser();
        Instant t = clock().instant();
        List<Session> made = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            made.add(session(owner, "{}", t.minusMillis(i / 3), 600)); // three instants, three sessions each
        }
        made.forEach(s -> assertTrue(store().insert(s)));
        List<Session> expected = made.stream().sorted(PageStart.NEWEST_FIRST).toList();
        long first = expected.get(0).createdAt().toEpochMilli();
        assertEquals(tokens(expected.subList(2, 4)), tokens(store().findByUser(owner, new PageStart(first, 2), 2)));
        assertEquals(tokens(expected.subList(3, 9)), tokens(store().findByUser(owner, new PageStart(first - 1, 0), 100)));
        assertEquals(tokens(expected.subList(8, 9)), tokens(store().findByUser(owner, new PageStart(first - 2, 2), 100)));
        assertTrue(store().findByUser(owner, new PageStart(first - 3, 0), 100).isEmpty());
    }

    @Test
    default void pagesSkipExpiredSessions() throws Exception {
        String owner = newUser();
        Instant t = clock().instant();
        Session newest = session(owner, "{}", t, 600);
        Session expiring = session(owner, "{}", t.minusMillis(1), 5);
        Session oldest = session(owner, "{}", t.minusMillis(2), 600);
        for (Session s : List.of(newest, expiring, oldest)) {
            assertTrue(store().insert(s));
        }
        advanceClock(Duration.ofSeconds(6));
        assertEquals(tokens(List.of(newest, oldest)), tokens(store().findByUser(owner, PageStart.FIRST, 2)));
        assertEquals(tokens(List.of(oldest)),
                tokens(store().findByUser(owner, new PageStart(t.toEpochMilli(), 1), 5)));
    }

    // ---- helpers ----

    private Session insert(String owner, String json) {
        Session s = session(owner, json, clock().instant(), 600);
        assertTrue(store().insert(s));
        return s;
    }

    private static Session session(String owner, String json, Instant created, long ttl) {
        ObjectNode data = parse(json);
        if (owner != null) {
            data.put(Session.ACCOUNT_ID, owner);
        }
        return new Session(Tokens.issue(), owner, data, created, created.plusSeconds(ttl), ttl, true);
    }

    private void assertUnchanged(Session s) {
        Session now = store().find(s.token(), false).orElseThrow();
        assertEquals(s.data(), now.data());
        assertEquals(s.userId(), now.userId());
        assertEquals(s.expiresAt(), now.expiresAt(), "a refused write does not slide the session either");
    }
}
