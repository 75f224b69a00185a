package io.sessionservice.store;

import static io.sessionservice.testing.TestSessions.newUser;
import static io.sessionservice.testing.TestSessions.parse;
import static io.sessionservice.testing.TestSessions.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionservice.core.Mutation;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.TokenConflictException;
import io.sessionservice.core.Tokens;
import io.sessionservice.testing.Concurrently;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * A session's life as every store keeps it (issue 13): a capped sliding session never slides past its
 * lifetime end, and {@link SessionStore#rotate} moves a session to a new token atomically, with or
 * without a read-only grace copy under the old one. Part of {@link SessionStoreContract}.
 */
public interface SessionLifecycleContract {

    SessionStore store();

    TestClock clock();

    void advanceClock(Duration d) throws Exception;

    // ---- the lifetime cap ----

    @Test
    default void aCappedSessionSlidesUpToItsLifetimeEndAndNeverPast() throws Exception {
        Instant now = clock().instant();
        Session s = new Session(Tokens.issue(), null, parse("{\"n\":1}"), now, now.plusSeconds(600), 600, true,
                now.plusSeconds(1000));
        assertTrue(store().insert(s));
        assertEquals(s.lifetimeEnd(), store().find(s.token(), false).orElseThrow().lifetimeEnd());

        advanceClock(Duration.ofSeconds(500));
        assertEquals(s.lifetimeEnd(), store().find(s.token(), true).orElseThrow().expiresAt(), "slid to the cap, not now + ttl");
        advanceClock(Duration.ofSeconds(300));
        Mutation patch = new Mutation.Patch(parse("{\"n\":2}"), Set.of());
        assertEquals(s.lifetimeEnd(), store().update(s.token(), patch, true).orElseThrow().expiresAt());
        assertEquals(s.lifetimeEnd(), store().find(s.token(), true).orElseThrow().expiresAt());
        advanceClock(Duration.ofSeconds(199));
        assertTrue(store().find(s.token(), true).isPresent());
        advanceClock(Duration.ofSeconds(1));
        assertTrue(store().find(s.token(), true).isEmpty(), "touched every few minutes, it still ends at its lifetime end");
        assertTrue(store().find(s.token(), false).isEmpty());
    }

    @Test
    default void anUncappedSessionHasNoLifetimeEnd() {
        Instant now = clock().instant();
        Session s = new Session(Tokens.issue(), null, parse("{}"), now, now.plusSeconds(60), 60, true);
        assertTrue(store().insert(s));
        assertEquals(null, store().find(s.token(), false).orElseThrow().lifetimeEnd());
    }

    // ---- rotation ----

    @Test
    default void rotationMovesEverythingToTheNewTokenAndEndsTheOldOne() throws Exception {
        String owner = newUser();
        Session s = insert(owner);
        advanceClock(Duration.ofSeconds(5));
        String next = store().newTokenFor(s.token());
        Session moved = store().rotate(s.token(), next, null).orElseThrow();

        assertEquals(next, moved.token());
        assertNotEquals(s.token(), next);
        assertTrue(Tokens.isWellFormed(next));
        assertSameSessionUnder(s, next, moved);
        assertSameSessionUnder(s, next, store().find(next, false).orElseThrow());

        assertTrue(store().find(s.token(), false).isEmpty(), "the old token ends at once");
        assertTrue(store().find(s.token(), true).isEmpty());
        assertTrue(store().update(s.token(), new Mutation.Patch(parse("{\"x\":1}"), Set.of()), true).isEmpty());
        assertFalse(store().delete(s.token()));
        assertTrue(store().rotate(s.token(), store().newTokenFor(s.token()), null).isEmpty());

        assertEquals(List.of(next), tokens(store().findByUser(owner)), "the user's index follows the new token");
        Session patched = store().update(next, new Mutation.Patch(parse("{\"x\":1}"), Set.of()), true).orElseThrow();
        assertEquals(1, patched.data().get("x").asInt());
        assertEquals(1, store().deleteByUser(owner));
        assertTrue(store().find(next, false).isEmpty());
    }

    @Test
    default void withGraceTheOldTokenReadsARotatedCopyUntilItEnds() throws Exception {
        String owner = newUser();
        Session s = insert(owner);
        Instant until = clock().instant().plusSeconds(30);
        String next = store().newTokenFor(s.token());
        store().rotate(s.token(), next, until).orElseThrow();

        Session copy = store().find(s.token(), false).orElseThrow();
        assertEquals(s.token(), copy.token(), "the copy answers under the old token, never naming the new one");
        assertEquals(s.data(), copy.data());
        assertEquals(owner, copy.userId(), "a request in flight keeps its principal");
        assertEquals(until, copy.expiresAt());
        assertFalse(copy.sliding());
        advanceClock(Duration.ofSeconds(10));
        assertEquals(until, store().find(s.token(), true).orElseThrow().expiresAt(), "a touch of the copy slides nothing");

        assertTrue(store().update(s.token(), new Mutation.Patch(parse("{\"x\":1}"), Set.of()), true).isEmpty(),
                "the copy is read-only");
        assertFalse(store().delete(s.token()));
        assertTrue(store().rotate(s.token(), store().newTokenFor(s.token()), null).isEmpty(), "a copy does not rotate");
        assertFalse(store().insert(new Session(s.token(), null, parse("{}"), clock().instant(),
                clock().instant().plusSeconds(60), 60, true)), "the old token is still taken");
        assertEquals(List.of(next), tokens(store().findByUser(owner)), "the copy is not one of the user's sessions");
        assertTrue(store().find(next, true).isPresent());

        advanceClock(Duration.ofSeconds(20));
        assertTrue(store().find(s.token(), false).isEmpty(), "the copy ends at the grace's end");
        assertTrue(store().find(next, false).isPresent());
    }

    @Test
    default void aGraceCopyNeverOutlivesTheSession() throws Exception {
        Instant now = clock().instant();
        Session s = new Session(Tokens.issue(), null, parse("{}"), now, now.plusSeconds(20), 20, false);
        assertTrue(store().insert(s));
        store().rotate(s.token(), store().newTokenFor(s.token()), now.plusSeconds(60)).orElseThrow();
        assertEquals(s.expiresAt(), store().find(s.token(), false).orElseThrow().expiresAt());
        advanceClock(Duration.ofSeconds(20));
        assertTrue(store().find(s.token(), false).isEmpty());
    }

    @Test
    default void rotationOfAnUnknownOrExpiredTokenWritesNothing() throws Exception {
        String unknown = Tokens.issue();
        String next = store().newTokenFor(unknown);
        assertTrue(store().rotate(unknown, next, null).isEmpty());
        assertTrue(store().find(next, false).isEmpty());

        Session s = insert(null);
        advanceClock(Duration.ofSeconds(601));
        String after = store().newTokenFor(s.token());
        assertTrue(store().rotate(s.token(), after, null).isEmpty());
        assertTrue(store().find(after, false).isEmpty());
    }

    @Test
    default void rotationOntoALiveTokenIsRefusedAndLeavesThatSessionAlone() {
        Session s = insert(null);
        String taken = store().newTokenFor(s.token()); // where a rotation may go (Redis Cluster: the same slot)
        Instant now = clock().instant();
        Session other = new Session(taken, "u-other", parse("{\"AccountId\":\"u-other\"}"), now, now.plusSeconds(60), 60, true);
        assertTrue(store().insert(other));
        assertThrows(TokenConflictException.class, () -> store().rotate(s.token(), other.token(), null));
        assertEquals(other.data(), store().find(other.token(), false).orElseThrow().data());
        assertEquals(other.userId(), store().find(other.token(), false).orElseThrow().userId());
        Session kept = store().find(s.token(), false).orElseThrow(() -> new AssertionError("the refused rotation ended the session"));
        assertSameSessionUnder(s, s.token(), kept);
        assertTrue(kept.sliding(), "still the live session, not a grace copy");
        assertTrue(store().update(s.token(), new Mutation.Patch(parse("{\"x\":1}"), Set.of()), false).isPresent(),
                "still writable under its token");
    }

    @Test
    default void concurrentRotationsOfOneTokenYieldExactlyOneNewToken() throws Exception {
        String owner = newUser();
        Session s = insert(owner);
        ConcurrentLinkedQueue<String> won = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> tried = new ConcurrentLinkedQueue<>();
        Concurrently.run(16, i -> {
            String next = store().newTokenFor(s.token());
            tried.add(next);
            store().rotate(s.token(), next, null).ifPresent(moved -> won.add(moved.token()));
        });
        assertEquals(1, won.size(), "exactly one rotation succeeds");
        List<String> live = tried.stream().filter(t -> store().find(t, false).isPresent()).toList();
        assertEquals(List.copyOf(won), live, "exactly one new token names the session");
        assertEquals(List.copyOf(won), tokens(store().findByUser(owner)));
        assertTrue(store().find(s.token(), false).isEmpty());
    }

    private Session insert(String owner) {
        Instant now = clock().instant();
        var data = parse("{\"n\":1,\"nested\":{\"a\":[1,2]}}");
        if (owner != null) {
            data.put(Session.ACCOUNT_ID, owner);
        }
        Session s = new Session(Tokens.issue(), owner, data, now.minusSeconds(3), now.plusSeconds(600), 600, true,
                now.plusSeconds(5000));
        assertTrue(store().insert(s));
        return s;
    }

    private static void assertSameSessionUnder(Session before, String token, Session after) {
        assertEquals(Optional.of(token), Optional.of(after.token()));
        assertEquals(before.userId(), after.userId());
        assertEquals(before.data(), after.data());
        assertEquals(before.createdAt(), after.createdAt());
        assertEquals(before.expiresAt(), after.expiresAt(), "a rotation slides nothing");
        assertEquals(before.ttlSeconds(), after.ttlSeconds());
        assertEquals(before.sliding(), after.sliding());
        assertEquals(before.lifetimeEnd(), after.lifetimeEnd());
    }
}
