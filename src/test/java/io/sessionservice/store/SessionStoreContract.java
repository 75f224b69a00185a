package io.sessionservice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Json;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.Tokens;
import io.sessionservice.core.TouchResolution;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SessionStore} must have. A store's test extends this class and says
 * how to open the store; time moves through {@link #advance} (a {@link TestClock}), never by
 * sleeping. Every test uses fresh tokens and user ids, so a shared backend needs no cleanup.
 */
public abstract class SessionStoreContract implements SessionBoundsContract, SessionLifecycleContract {

    protected final TestClock clock = new TestClock();
    protected SessionStore store;

    /** Opens the store under test with this clock and touch resolution. */
    protected abstract SessionStore openStore(TestClock clock, TouchResolution touch) throws Exception;

    /** Opens the store under test with this clock and the default touch resolution (60 s, 1% of the ttl). */
    protected SessionStore openStore(TestClock clock) throws Exception {
        return openStore(clock, TouchResolution.DEFAULT);
    }

    /** Moves time for the store; stores whose backend keeps its own clock move that too. */
    protected void advance(Duration d) throws Exception {
        clock.advance(d);
    }

    @Override
    public SessionStore store() {
        return store;
    }

    @Override
    public TestClock clock() {
        return clock;
    }

    @Override
    public void advanceClock(Duration d) throws Exception {
        advance(d);
    }

    @BeforeEach
    void openStoreUnderTest() throws Exception {
        store = openStore(clock);
    }

    @AfterEach
    void closeStoreUnderTest() {
        if (store != null) {
            store.close();
        }
    }

    // ---- helpers ----

    protected static String user() {
        return "user-" + UUID.randomUUID();
    }

    protected static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    protected Session session(String userId, long ttl, boolean sliding) {
        ObjectNode data = json("{\"n\":1}");
        if (userId != null) {
            data.put(Session.ACCOUNT_ID, userId);
        }
        Instant now = clock.instant();
        return new Session(Tokens.issue(), userId, data, now, now.plusSeconds(ttl), ttl, sliding);
    }

    protected Session stored(String userId) {
        Session s = session(userId, 600, true);
        assertTrue(store.insert(s));
        return s;
    }

    // ---- insert and find ----

    /** Any string is a user id: NUL and backslashes too (PostgreSQL's text refuses NUL; a 503 would be wrong). */
    @Test
    void aUserIdWithNulAndBackslashesIsKeptExactly() {
        String userId = user() + "\u0000a\\0b\\\u0000";
        Session s = stored(userId);
        assertEquals(userId, store.find(s.token(), false).orElseThrow().userId());
        assertEquals(List.of(s.token()), store.findByUser(userId).stream().map(Session::token).toList());
        assertTrue(store.findByUser(userId.replace("\u0000", "\\0")).isEmpty(), "an escaped form names nobody");
        assertEquals(1, store.deleteByUser(userId));
        assertTrue(store.find(s.token(), false).isEmpty());
    }

    @Test
    void insertedSessionIsFoundAsStored() {
        ObjectNode data = json("{\"AccountId\":\"a1\",\"nested\":{\"x\":[1,2,{}]},\"flag\":true,\"nothing\":null}");
        Instant now = clock.instant();
        Session s = new Session(Tokens.issue(), "a1", data, now.minusSeconds(5), now.plusSeconds(300), 305, true);
        assertTrue(store.insert(s));

        Session found = store.find(s.token(), false).orElseThrow();
        assertEquals(s.token(), found.token());
        assertEquals("a1", found.userId());
        assertEquals(data, found.data());
        assertEquals(s.createdAt(), found.createdAt());
        assertEquals(s.expiresAt(), found.expiresAt());
        assertEquals(305, found.ttlSeconds());
        assertTrue(found.sliding());
    }

    @Test
    void unknownTokenIsNotFound() {
        assertTrue(store.find(Tokens.issue(), false).isEmpty());
        assertTrue(store.find(Tokens.issue(), true).isEmpty());
    }

    @Test
    void insertRefusesTheTokenOfALiveSessionAndKeepsIt() {
        Session first = stored(user());
        Session clash = new Session(first.token(), "intruder", json("{\"AccountId\":\"intruder\"}"),
                clock.instant(), clock.instant().plusSeconds(60), 60, false);
        assertFalse(store.insert(clash));
        Session found = store.find(first.token(), false).orElseThrow();
        assertEquals(first.userId(), found.userId());
        assertEquals(first.expiresAt(), found.expiresAt());
    }

    @Test
    void insertMayReuseTheTokenOfAnExpiredSession() throws Exception {
        Session old = session(user(), 10, true);
        assertTrue(store.insert(old));
        advance(Duration.ofSeconds(11));
        String newUser = user();
        Session again = new Session(old.token(), newUser, json("{\"AccountId\":\"" + newUser + "\"}"),
                clock.instant(), clock.instant().plusSeconds(60), 60, true);
        assertTrue(store.insert(again));
        assertEquals(newUser, store.find(old.token(), false).orElseThrow().userId());
        assertTrue(store.findByUser(old.userId()).isEmpty());
    }

    // ---- expiry ----

    @Test
    void touchSlidesASlidingSession() throws Exception {
        Session s = session(user(), 100, true);
        store.insert(s);
        advance(Duration.ofSeconds(40));
        Session touched = store.find(s.token(), true).orElseThrow();
        assertEquals(clock.instant().plusSeconds(100), touched.expiresAt());
        assertEquals(touched.expiresAt(), store.find(s.token(), false).orElseThrow().expiresAt());
    }

    @Test
    void findWithoutTouchLeavesExpiryAlone() throws Exception {
        Session s = session(user(), 100, true);
        store.insert(s);
        advance(Duration.ofSeconds(40));
        assertEquals(s.expiresAt(), store.find(s.token(), false).orElseThrow().expiresAt());
        assertEquals(s.expiresAt(), store.find(s.token(), false).orElseThrow().expiresAt());
    }

    @Test
    void absoluteSessionNeverSlides() throws Exception {
        Session s = session(user(), 100, false);
        store.insert(s);
        advance(Duration.ofSeconds(40));
        assertEquals(s.expiresAt(), store.find(s.token(), true).orElseThrow().expiresAt());
        assertEquals(s.expiresAt(),
                store.update(s.token(), new Mutation.Patch(json("{\"k\":1}"), Set.of()), true).orElseThrow().expiresAt());
    }

    @Test
    void slidingKeepsASessionAliveAcrossItsOriginalExpiry() throws Exception {
        Session s = session(user(), 100, true);
        store.insert(s);
        for (int i = 0; i < 3; i++) {
            advance(Duration.ofSeconds(60));
            assertTrue(store.find(s.token(), true).isPresent(), "touch " + i);
        }
        advance(Duration.ofSeconds(101));
        assertTrue(store.find(s.token(), false).isEmpty());
    }

    @Test
    void expiredSessionDoesNotExistForAnyOperation() throws Exception {
        String userId = user();
        Session s = session(userId, 30, true);
        store.insert(s);
        advance(Duration.ofSeconds(30)); // expiresAt itself is already past
        assertTrue(store.find(s.token(), false).isEmpty());
        assertTrue(store.find(s.token(), true).isEmpty());
        assertTrue(store.update(s.token(), new Mutation.Patch(json("{\"k\":1}"), Set.of()), true).isEmpty());
        assertTrue(store.update(s.token(), new Mutation.Replace(json("{\"k\":1}")), true).isEmpty());
        assertFalse(store.delete(s.token()));
        assertTrue(store.findByUser(userId).isEmpty());
        assertEquals(0, store.deleteByUser(userId));
        assertTrue(store.find(s.token(), false).isEmpty(), "no operation brought it back");
    }

    // ---- touch resolution: a touch writes only when it moves the expiry by more than min(R, ttl / 100) ----

    /** The store under test opened with another touch resolution, on the same clock and backend. */
    protected interface StoreBody {
        void run(SessionStore store) throws Exception;
    }

    protected void withResolution(TouchResolution resolution, StoreBody body) throws Exception {
        try (SessionStore other = openStore(clock, resolution)) {
            body.run(other);
        }
    }

    @Test
    void aTouchWithinTheResolutionLeavesTheExpiryAndOnePastItSlides() throws Exception {
        withResolution(TouchResolution.ofSeconds(60), s60 -> {
            Session s = session(user(), 3600, true); // resolution: min(60 s, 36 s) = 36 s
            assertTrue(s60.insert(s));
            advance(Duration.ofSeconds(36));
            assertEquals(s.expiresAt(), s60.find(s.token(), true).orElseThrow().expiresAt());
            Session patched = s60.update(s.token(), new Mutation.Patch(json("{\"p\":1}"), Set.of()), true).orElseThrow();
            assertEquals(s.expiresAt(), patched.expiresAt(), "a write within the resolution keeps the expiry");
            assertEquals(json("{\"n\":1,\"AccountId\":\"" + s.userId() + "\",\"p\":1}"), patched.data());
            assertEquals(s.expiresAt(), s60.find(s.token(), false).orElseThrow().expiresAt());

            advance(Duration.ofMillis(1)); // now + ttl is 36.001 s past the expiry
            Session touched = s60.find(s.token(), true).orElseThrow();
            assertEquals(clock.instant().plusSeconds(3600), touched.expiresAt());
            assertEquals(touched.expiresAt(), s60.find(s.token(), false).orElseThrow().expiresAt());
            assertEquals(patched.data(), touched.data());

            advance(Duration.ofSeconds(37));
            Session replaced = s60.update(s.token(), new Mutation.Replace(json("{\"r\":2}")), true).orElseThrow();
            assertEquals(clock.instant().plusSeconds(3600), replaced.expiresAt(), "a write past the resolution slides");
            assertEquals(replaced.expiresAt(), s60.find(s.token(), false).orElseThrow().expiresAt());
        });
    }

    @Test
    void theResolutionIsAtMostOnePercentOfTheTtl() throws Exception {
        withResolution(TouchResolution.ofSeconds(60), s60 -> {
            Session s = session(user(), 100, true); // resolution: min(60 s, 1 s) = 1 s
            assertTrue(s60.insert(s));
            advance(Duration.ofSeconds(1));
            assertEquals(s.expiresAt(), s60.find(s.token(), true).orElseThrow().expiresAt());
            advance(Duration.ofMillis(1));
            assertEquals(clock.instant().plusSeconds(100), s60.find(s.token(), true).orElseThrow().expiresAt());
            assertEquals(clock.instant().plusSeconds(100), s60.find(s.token(), false).orElseThrow().expiresAt());
        });
    }

    @Test
    void resolutionZeroSlidesEveryTouchExactly() throws Exception {
        withResolution(TouchResolution.EXACT, exact -> {
            Session s = session(user(), 3600, true);
            assertTrue(exact.insert(s));
            advance(Duration.ofMillis(1));
            assertEquals(clock.instant().plusSeconds(3600), exact.find(s.token(), true).orElseThrow().expiresAt());
            advance(Duration.ofMillis(1));
            assertEquals(clock.instant().plusSeconds(3600),
                    exact.update(s.token(), new Mutation.Patch(json("{\"p\":1}"), Set.of()), true).orElseThrow().expiresAt());
            assertEquals(clock.instant().plusSeconds(3600), exact.find(s.token(), false).orElseThrow().expiresAt());
        });
    }

    @Test
    void anAbsoluteSessionNeverMovesWhateverTheResolution() throws Exception {
        for (TouchResolution r : List.of(TouchResolution.EXACT, TouchResolution.ofSeconds(60))) {
            withResolution(r, other -> {
                Session s = session(user(), 100, false);
                assertTrue(other.insert(s));
                advance(Duration.ofSeconds(50));
                assertEquals(s.expiresAt(), other.find(s.token(), true).orElseThrow().expiresAt(), "resolution " + r);
                assertEquals(s.expiresAt(), other.update(s.token(), new Mutation.Patch(json("{\"p\":1}"), Set.of()), true)
                        .orElseThrow().expiresAt(), "resolution " + r);
                assertEquals(s.expiresAt(), other.find(s.token(), false).orElseThrow().expiresAt(), "resolution " + r);
            });
        }
    }

    // ---- update ----

    @Test
    void replaceSwapsAllDataAndFollowsTheNewOwner() {
        String before = user();
        String after = user();
        Session s = stored(before);
        Session replaced = store.update(s.token(),
                new Mutation.Replace(json("{\"AccountId\":\"" + after + "\",\"only\":\"this\"}")), false).orElseThrow();
        assertEquals(json("{\"AccountId\":\"" + after + "\",\"only\":\"this\"}"), replaced.data());
        assertEquals(after, replaced.userId());
        assertEquals(replaced.data(), store.find(s.token(), false).orElseThrow().data());
        assertTrue(store.findByUser(before).isEmpty());
        assertEquals(List.of(s.token()), tokens(store.findByUser(after)));
    }

    @Test
    void replaceWithoutAccountIdKeepsTheOwner() {
        String owner = user();
        Session s = stored(owner);
        Session replaced = store.update(s.token(), new Mutation.Replace(json("{\"x\":1}")), false).orElseThrow();
        assertEquals(owner, replaced.userId());
        assertEquals(json("{\"x\":1,\"AccountId\":\"" + owner + "\"}"), replaced.data());
        assertEquals(replaced.data(), store.find(s.token(), false).orElseThrow().data());
        assertEquals(List.of(s.token()), tokens(store.findByUser(owner)));
    }

    @Test
    void replaceWithNullAccountIdRemovesTheOwner() {
        String owner = user();
        Session s = stored(owner);
        Session replaced = store.update(s.token(), new Mutation.Replace(json("{\"x\":1,\"AccountId\":null}")), false)
                .orElseThrow();
        assertNull(replaced.userId());
        assertTrue(store.findByUser(owner).isEmpty());
    }

    @Test
    void patchSetsAndRemovesFieldsAndKeepsTheRest() {
        Session s = session(user(), 600, true);
        ObjectNode data = s.data().put("keep", "me").put("drop", "me").put("change", 1);
        s = s.withData(data, s.userId());
        store.insert(s);
        Session patched = store.update(s.token(),
                new Mutation.Patch(json("{\"change\":2,\"added\":{\"deep\":[true]}}"), Set.of("drop", "absent")), false)
                .orElseThrow();
        ObjectNode expected = data.deepCopy();
        expected.remove("drop");
        expected.put("change", 2);
        expected.set("added", json("{\"deep\":[true]}"));
        assertEquals(expected, patched.data());
        assertEquals(expected, store.find(s.token(), false).orElseThrow().data());
        assertEquals(s.userId(), patched.userId());
    }

    @Test
    void patchOfAccountIdMovesTheSessionBetweenUsers() {
        String first = user();
        String second = user();
        Session s = stored(first);
        store.update(s.token(), new Mutation.Patch(json("{\"AccountId\":\"" + second + "\"}"), Set.of()), false);
        assertTrue(store.findByUser(first).isEmpty());
        assertEquals(List.of(s.token()), tokens(store.findByUser(second)));
        store.update(s.token(), new Mutation.Patch(json("{}"), Set.of(Session.ACCOUNT_ID)), false);
        assertTrue(store.findByUser(second).isEmpty());
        assertNull(store.find(s.token(), false).orElseThrow().userId());
    }

    @Test
    void updateWithTouchSlidesAndWithoutDoesNot() throws Exception {
        Session s = session(user(), 100, true);
        store.insert(s);
        advance(Duration.ofSeconds(30));
        Session untouched = store.update(s.token(), new Mutation.Patch(json("{\"a\":1}"), Set.of()), false).orElseThrow();
        assertEquals(s.expiresAt(), untouched.expiresAt());
        Session touched = store.update(s.token(), new Mutation.Replace(json("{\"b\":1}")), true).orElseThrow();
        assertEquals(clock.instant().plusSeconds(100), touched.expiresAt());
        assertEquals(touched.expiresAt(), store.find(s.token(), false).orElseThrow().expiresAt());
    }

    @Test
    void updateNeverCreatesASession() {
        String token = Tokens.issue();
        assertTrue(store.update(token, new Mutation.Patch(json("{\"a\":1}"), Set.of()), true).isEmpty());
        assertTrue(store.update(token, new Mutation.Replace(json("{\"a\":1}")), true).isEmpty());
        assertTrue(store.find(token, false).isEmpty());
    }

    // ---- delete ----

    @Test
    void deleteEndsTheSessionOnce() {
        String owner = user();
        Session s = stored(owner);
        assertTrue(store.delete(s.token()));
        assertFalse(store.delete(s.token()));
        assertTrue(store.find(s.token(), false).isEmpty());
        assertTrue(store.findByUser(owner).isEmpty());
    }

    @Test
    void nothingResurrectsADeletedSession() {
        Session s = stored(user());
        store.delete(s.token());
        assertTrue(store.update(s.token(), new Mutation.Patch(json("{\"a\":1}"), Set.of()), true).isEmpty());
        assertTrue(store.update(s.token(), new Mutation.Replace(json("{\"a\":1}")), true).isEmpty());
        assertTrue(store.find(s.token(), true).isEmpty());
        assertTrue(store.find(s.token(), false).isEmpty());
    }

    @Test
    void patchRacingDeleteNeverRecreatesTheSession() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 50; round++) {
                Session s = stored(user());
                CountDownLatch go = new CountDownLatch(1);
                Future<?> patcher = pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 5; i++) {
                        store.update(s.token(), new Mutation.Patch(json("{\"p" + i + "\":1}"), Set.of()), true);
                    }
                    return null;
                });
                Future<Boolean> deleter = pool.submit(() -> {
                    go.await();
                    return store.delete(s.token());
                });
                go.countDown();
                patcher.get(30, TimeUnit.SECONDS);
                assertTrue(deleter.get(30, TimeUnit.SECONDS));
                assertTrue(store.find(s.token(), false).isEmpty(), "round " + round + " resurrected the session");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- per-user index ----

    @Test
    void findByUserListsOnlyThatUsersLiveSessions() throws Exception {
        String owner = user();
        Session a = stored(owner);
        Session b = stored(owner);
        Session shortLived = session(owner, 10, false);
        store.insert(shortLived);
        Session deleted = stored(owner);
        store.delete(deleted.token());
        Session other = stored(user());
        assertEquals(Set.of(a.token(), b.token(), shortLived.token()), Set.copyOf(tokens(store.findByUser(owner))));

        advance(Duration.ofSeconds(11));
        assertEquals(Set.of(a.token(), b.token()), Set.copyOf(tokens(store.findByUser(owner))));
        assertEquals(List.of(other.token()), tokens(store.findByUser(other.userId())));
        assertTrue(store.findByUser(user()).isEmpty());
    }

    @Test
    void sessionWithoutOwnerBelongsToNoUser() {
        Session s = session(null, 600, true);
        assertTrue(store.insert(s));
        assertNull(store.find(s.token(), false).orElseThrow().userId());
    }

    @Test
    void deleteByUserEndsAllOfThatUsersSessionsAndNoOthers() throws Exception {
        String owner = user();
        List<Session> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mine.add(stored(owner));
        }
        Session expired = session(owner, 5, true);
        store.insert(expired);
        Session other = stored(user());
        advance(Duration.ofSeconds(6));

        assertEquals(5, store.deleteByUser(owner));
        for (Session s : mine) {
            assertTrue(store.find(s.token(), false).isEmpty());
        }
        assertTrue(store.findByUser(owner).isEmpty());
        assertEquals(0, store.deleteByUser(owner));
        assertTrue(store.find(other.token(), false).isPresent());
    }

    // ---- data fidelity ----

    @Test
    void dataRoundTripsExactly() {
        String text = "{\"big\":123456789012345678901234567890,\"beyond53\":9007199254740993,"
                + "\"negative\":-9223372036854775809,\"pi\":3.14159265358979323846264338327950288,"
                + "\"trailing\":1.50,\"tiny\":1E-30,\"unicode\":\"héllo – 日本語 – 🎉\",\"escapes\":\"a\\\"b\\\\c\\n\\u0000\","
                + "\"nested\":{\"a\":{\"b\":{\"c\":[1,[2,[3]],{}]}}},\"emptyObject\":{},\"emptyArray\":[],"
                + "\"a.b\":\"dotted\",\"$x\":\"dollar\",\"\":\"empty name\",\"nil\":null,\"f\":false}";
        ObjectNode data = json(text);
        Instant now = clock.instant();
        Session s = new Session(Tokens.issue(), null, data, now, now.plusSeconds(600), 600, true);
        assertTrue(store.insert(s));
        assertEquals(Json.MAPPER.valueToTree(data).toString(), store.find(s.token(), false).orElseThrow().data().toString());

        Session patched = store.update(s.token(),
                new Mutation.Patch(json("{\"a.b\":{\"$y\":12345678901234567890.0001},\"\":[]}"), Set.of("$x")), false)
                .orElseThrow();
        ObjectNode expected = data.deepCopy();
        expected.set("a.b", json("{\"$y\":12345678901234567890.0001}"));
        expected.set("", Json.MAPPER.createArrayNode());
        expected.remove("$x");
        assertEquals(expected.toString(), patched.data().toString());
        assertEquals(expected.toString(), store.find(s.token(), false).orElseThrow().data().toString());
    }

    // ---- concurrency ----

    @Test
    void concurrentPatchesOfDistinctFieldsLoseNothing() throws Exception {
        Session s = stored(user());
        int threads = 32;
        runConcurrently(threads, i -> {
            store.update(s.token(), new Mutation.Patch(json("{\"field" + i + "\":" + i + "}"), Set.of()), true)
                    .orElseThrow();
            return null;
        });
        ObjectNode data = store.find(s.token(), false).orElseThrow().data();
        for (int i = 0; i < threads; i++) {
            assertEquals(i, data.path("field" + i).asInt(-1), "field" + i + " was lost");
        }
    }

    @Test
    void concurrentCreatesGiveDistinctLiveSessions() throws Exception {
        int creates = 200;
        List<Session> made = runConcurrently(creates, i -> {
            Session s = session(null, 600, true);
            assertTrue(store.insert(s));
            return s;
        });
        Set<String> tokens = new HashSet<>(tokens(made));
        assertEquals(creates, tokens.size());
        for (String token : tokens) {
            assertTrue(store.find(token, false).isPresent());
        }
    }

    @Test
    void concurrentInsertsOfOneTokenHaveOneWinner() throws Exception {
        String token = Tokens.issue();
        List<Boolean> results = runConcurrently(16, i -> {
            Instant now = clock.instant();
            return store.insert(new Session(token, "u" + i, json("{\"AccountId\":\"u" + i + "\"}"),
                    now, now.plusSeconds(60), 60, true));
        });
        assertEquals(1, results.stream().filter(Boolean::booleanValue).count());
    }

    @Test
    void pingAnswers() {
        store.ping();
    }

    // ---- plumbing ----

    protected interface Task<T> {
        T run(int index) throws Exception;
    }

    /** Runs {@code count} tasks on {@code count} threads released together; returns results in order. */
    protected static <T> List<T> runConcurrently(int count, Task<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(count, 64));
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                Callable<T> c = () -> {
                    go.await();
                    return task.run(index);
                };
                futures.add(pool.submit(c));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    protected static List<String> tokens(List<Session> sessions) {
        return sessions.stream().map(Session::token).toList();
    }

}
