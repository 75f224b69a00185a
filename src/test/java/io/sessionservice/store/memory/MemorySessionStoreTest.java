package io.sessionservice.store.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionservice.core.Json;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.Session;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.core.TouchResolution;
import io.sessionservice.store.SessionStoreContract;
import io.sessionservice.store.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import io.sessionservice.store.TokensAtRestContract;
import org.junit.jupiter.api.Test;

class MemorySessionStoreTest extends SessionStoreContract implements TokensAtRestContract {

    @Override
    public TestClock testClock() {
        return clock;
    }

    /** The store's maps as they are: session keys, each session's token field and data, the user index. */
    @Override
    public String rawContent(String userId, List<String> storageKeys) {
        return ((MemorySessionStore) store).rawContent();
    }

    @Override
    protected MemorySessionStore openStore(TestClock clock, TouchResolution touch) {
        return new MemorySessionStore(clock, MemorySessionStore.DEFAULT_MAX_SESSIONS, touch);
    }

    @Test
    void expiredSessionsAndTheirIndexEntriesAreRemovedPhysically() throws Exception {
        MemorySessionStore memory = (MemorySessionStore) store;
        for (int i = 0; i < 10; i++) {
            Session s = session(user(), 10 + i, i % 2 == 0);
            memory.insert(s);
        }
        assertEquals(10, memory.liveCount().orElseThrow());
        advance(Duration.ofSeconds(30));
        memory.cleanUp();
        assertEquals(0, memory.liveCount().orElseThrow());
        assertEquals(0, memory.indexedUsers());
    }

    /** repository.memory.maxSessions: a create past it is store trouble (503), and no live session is evicted. */
    @Test
    void aCreatePastMaxSessionsIsRefusedAndEvictsNothing() {
        MemorySessionStore full = new MemorySessionStore(clock, 3);
        try {
            String user = user();
            List<Session> live = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Session s = session(i == 0 ? user : user(), 600, true);
                assertTrue(full.insert(s, 100));
                live.add(s);
            }
            for (Session extra : List.of(session(user, 600, true), session(user(), 600, false), session(null, 60, true))) {
                assertThrows(StoreUnavailableException.class, () -> full.insert(extra, 100));
                assertTrue(full.find(extra.token(), false).isEmpty(), "a refused create left nothing");
            }
            for (Session s : live) {
                assertEquals(s.data(), full.find(s.token(), false).orElseThrow().data(), "live sessions untouched");
            }
            assertEquals(List.of(live.get(0).token()), full.findByUser(user).stream().map(Session::token).toList());
            assertEquals(3, full.liveCount().orElseThrow());
            // Updates of live sessions go on; a delete makes room for one create again.
            Mutation patch = new Mutation.Patch(Json.MAPPER.createObjectNode().put("x", 1), Set.of());
            assertTrue(full.update(live.get(1).token(), patch, true).isPresent());
            assertTrue(full.delete(live.get(2).token()));
            assertTrue(full.insert(session(user(), 600, true), 100));
            assertThrows(StoreUnavailableException.class, () -> full.insert(session(user(), 600, true), 100));
        } finally {
            full.close();
        }
    }

    /** Expired sessions do not hold places: once they are gone, creates succeed again. */
    @Test
    void expiredSessionsMakeRoomUnderMaxSessions() throws Exception {
        MemorySessionStore full = new MemorySessionStore(clock, 2);
        try {
            full.insert(session(user(), 10, false), 100);
            full.insert(session(user(), 10, false), 100);
            assertThrows(StoreUnavailableException.class, () -> full.insert(session(user(), 10, false), 100));
            advance(Duration.ofSeconds(11));
            full.cleanUp();
            assertTrue(full.insert(session(user(), 10, false), 100));
        } finally {
            full.close();
        }
    }

    /** close() ends the store's expiry thread, which would otherwise pin the webapp's class loader. */
    @Test
    void closeEndsTheExpiryThread() throws Exception {
        Set<Thread> before = expiryThreads();
        MemorySessionStore closing = new MemorySessionStore(clock);
        closing.insert(session(user(), 10, true), 100); // Caffeine schedules the expiry: the thread starts
        Set<Thread> started = expiryThreads();
        started.removeAll(before);
        assertEquals(1, started.size(), "the store runs one expiry thread");
        closing.close();
        assertTrue(waitFor(() -> started.stream().noneMatch(Thread::isAlive)),
                "memory-session-store-expiry survives close()");
    }

    private static Set<Thread> expiryThreads() {
        Set<Thread> threads = new HashSet<>();
        Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("memory-session-store-expiry")).forEach(threads::add);
        return threads;
    }

    /** Polls a condition for up to 10 s: thread ends are asynchronous. Not a timing assertion. */
    private static boolean waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
