package io.sessionservice.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.store.TestClock;
import io.sessionservice.store.memory.MemorySessionStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The service's side of SPEC §2's ownership rule and bounds (the stores' side: SessionBoundsContract). */
class SessionBoundsServiceTest {

    static final SessionLimits LIMITS = new SessionLimits(200, 3);

    TestClock clock;
    MemorySessionStore store;
    SessionService service;

    @BeforeEach
    void setUp() {
        clock = new TestClock();
        store = new MemorySessionStore(clock);
        service = new SessionService(store, clock, 3600, 86_400, LIMITS);
    }

    @Test
    void aTokenHolderCannotBecomeSomeoneElse() {
        Session s = service.createStateSession(SessionServiceTest.json("{\"AccountId\":\"bob\"}"), null);
        ObjectNode escalate = SessionServiceTest.json("{\"AccountId\":\"alice\"}");
        assertThrows(OwnerChangeForbiddenException.class, () -> service.patch(s.token(), escalate));
        assertThrows(OwnerChangeForbiddenException.class, () -> service.replace(s.token(), escalate));
        assertThrows(OwnerChangeForbiddenException.class,
                () -> service.patch(s.token(), SessionServiceTest.json("{\"AccountId\":null}")));
        assertTrue(!service.verify("alice", s.token()));
        assertTrue(service.latestSession("alice").isEmpty());
        assertEquals(1, service.endSessionsOf("bob"), "still found by logout-everywhere");
    }

    @Test
    void aKeyedCallerMovesOrRemovesTheOwner() {
        Session s = service.createStateSession(SessionServiceTest.json("{\"AccountId\":\"bob\"}"), null);
        assertEquals("alice", service.patch(s.token(), SessionServiceTest.json("{\"AccountId\":\"alice\"}"), true)
                .orElseThrow().userId());
        assertTrue(service.verify("alice", s.token()));
        assertNull(service.replace(s.token(), SessionServiceTest.json("{\"AccountId\":null}"), true)
                .orElseThrow().userId());
    }

    @Test
    void createPastTheSizeLimitIsRefused() {
        String big = "x".repeat(200);
        assertThrows(SessionTooLargeException.class,
                () -> service.createStateSession(SessionServiceTest.json("{\"a\":\"" + big + "\"}"), null));
        assertThrows(SessionTooLargeException.class,
                () -> service.createUserSession(new UserSessionRequest(big, null, null, null, null)));
        assertEquals(0, store.liveCount().orElseThrow());
    }

    @Test
    void writesPastTheSizeLimitAreRefused() {
        Session s = service.createStateSession(SessionServiceTest.json("{\"a\":1}"), null);
        ObjectNode big = SessionServiceTest.json("{\"b\":\"" + "x".repeat(200) + "\"}");
        assertThrows(SessionTooLargeException.class, () -> service.patch(s.token(), big));
        assertThrows(SessionTooLargeException.class, () -> service.replace(s.token(), big, true));
        assertEquals(SessionServiceTest.json("{\"a\":1}"), service.validate(s.token()).orElseThrow().data());
    }

    @Test
    void oneMoreSessionThanTheCapEndsTheOldest() {
        List<Session> made = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            made.add(service.createUserSession(new UserSessionRequest("u", null, 600L, null, null)));
            clock.advanceSeconds(1);
        }
        assertTrue(service.validate(made.get(0).token()).isEmpty());
        assertEquals(3, service.sessionsOf("u").size());
        assertEquals(made.get(3).token(), service.latestSession("u").orElseThrow().token());
    }

    @Test
    void aCreateThatTheCapWouldEndAtOnceIsAConflict() {
        List<Session> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(service.createUserSession(new UserSessionRequest("u", null, 600L, null, null)));
        }
        var backdated = new UserSessionRequest("u", null, 600L, clock.instant().minusSeconds(60), null);
        assertThrows(ConflictException.class, () -> service.createUserSession(backdated));
        made.forEach(s -> assertTrue(service.validate(s.token()).isPresent()));
        // backdated, but not behind every session of the user: kept, and the oldest goes
        clock.advanceSeconds(120);
        var recent = new UserSessionRequest("u", null, 600L, clock.instant().minusSeconds(60), null);
        Session kept = service.createUserSession(recent);
        assertTrue(service.validate(kept.token()).isPresent());
    }

    @Test
    void pagesWalkEverySessionOnceNewestFirst() {
        SessionService roomy = new SessionService(store, clock, 3600, 86_400, new SessionLimits(1000, 50));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            expected.add(0, roomy.createUserSession(new UserSessionRequest("p", null, 600L, null, null)).token());
            if (i % 4 == 3) {
                clock.advanceSeconds(1); // several sessions share an instant: ties are ordered by token
            }
        }
        List<String> walked = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            UserSessionPage page = roomy.sessionsOf("p", 3, cursor);
            page.sessions().forEach(s -> walked.add(s.token()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null);
        assertEquals(4, pages);
        assertEquals(11, new HashSet<>(walked).size());
        assertEquals(Set.copyOf(expected), Set.copyOf(walked));
        assertEquals(roomy.sessionsOf("p").stream().map(Session::token).toList(), walked);
        assertNull(roomy.sessionsOf("p", 11, null).nextCursor(), "a page that holds the rest has no cursor");
    }

    @Test
    void limitAndCursorAreChecked() {
        assertThrows(InvalidRequestException.class, () -> service.sessionsOf("u", 0, null));
        assertThrows(InvalidRequestException.class, () -> service.sessionsOf("u", 1001, null));
        for (String bad : List.of("", "x", "djI6MTow", "djE6eDow", "djE6MTotMQ", "%%%", "a".repeat(100))) {
            assertThrows(InvalidRequestException.class, () -> service.sessionsOf("u", 10, bad), bad);
        }
        assertEquals(0, service.sessionsOf("u", 1000, null).sessions().size());
    }
}
