package io.sessionservice.core;

import static io.sessionservice.core.SessionServiceTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionservice.protocol.StateFields;
import io.sessionservice.store.TestClock;
import io.sessionservice.store.memory.MemorySessionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The service's side of issue 13: the lifetime cap (setting and x-max-lifetime) and rotation with its grace. */
class SessionLifecycleServiceTest {

    static final long LIFETIME = 10_000;
    static final long GRACE = 5;

    final TestClock clock = new TestClock();
    final MemorySessionStore store = new MemorySessionStore(clock); // JUnit makes a test instance per test
    SessionService service = serviceWith(new SessionLimits(65_536, 100, LIFETIME, GRACE));

    private SessionService serviceWith(SessionLimits limits) {
        return new SessionService(store, clock, 3600, 86_400, limits, StateFields.SERVER_MANAGED);
    }

    // ---- the lifetime cap ----

    @Test
    void aSlidingSessionNeverOutlivesMaxLifetimeHoweverOftenItIsTouched() {
        Instant t0 = clock.instant();
        Session s = service.createStateSession(json("{}"), null);
        assertEquals(t0.plusSeconds(LIFETIME), s.lifetimeEnd());
        for (int i = 0; i < 5; i++) {
            clock.advanceSeconds(1800);
            assertTrue(service.get(s.token()).isPresent());
        }
        Session late = service.get(s.token()).orElseThrow(); // t0 + 9000 s: only 1000 s left
        assertEquals(t0.plusSeconds(LIFETIME), late.expiresAt(), "Expires shows the capped value");
        assertEquals(1000, late.ttlSeconds(), "Ttl shows the capped value");
        assertEquals(1000, service.validate(s.token()).orElseThrow().ttlSeconds());
        clock.advanceSeconds(999);
        assertEquals(1, service.patch(s.token(), json("{\"a\":1}")).orElseThrow().ttlSeconds());
        clock.advanceSeconds(1);
        assertTrue(service.get(s.token()).isEmpty());
    }

    @Test
    void aTtlLongerThanTheLifetimeIsCappedAtCreation() {
        Instant t0 = clock.instant();
        Session s = service.createStateSession(json("{}"), 20_000L);
        assertEquals(t0.plusSeconds(LIFETIME), s.expiresAt());
        assertEquals(LIFETIME, s.ttlSeconds());
    }

    @Test
    void xMaxLifetimeLowersTheCapButNeverRaisesIt() {
        Instant t0 = clock.instant();
        Session s = service.createStateSession(json("{}"), 600L, 60L);
        assertEquals(t0.plusSeconds(60), s.lifetimeEnd());
        assertEquals(t0.plusSeconds(60), s.expiresAt());
        assertEquals(60, s.ttlSeconds());
        for (long bad : List.of(0L, -1L, LIFETIME + 1)) {
            assertThrows(InvalidRequestException.class, () -> service.createStateSession(json("{}"), 600L, bad));
        }
    }

    @Test
    void zeroTurnsTheCapOffAndTheHeaderStillCapsOneSession() {
        SessionService uncapped = serviceWith(new SessionLimits(65_536, 100, 0, 0));
        Session s = uncapped.createStateSession(json("{}"), 600L);
        assertNull(s.lifetimeEnd());
        for (int i = 0; i < 40; i++) { // 20000 s of touches: no end
            clock.advanceSeconds(500);
            assertEquals(600, uncapped.get(s.token()).orElseThrow().ttlSeconds());
        }
        assertEquals(clock.instant().plusSeconds(30), uncapped.createStateSession(json("{}"), 600L, 30L).expiresAt());
    }

    @Test
    void userApiSessionsAreAbsoluteAndNotCapped() {
        Session s = service.createUserSession(new UserSessionRequest("u1", null, 86_400L, null, null));
        assertNull(s.lifetimeEnd());
        assertEquals(clock.instant().plusSeconds(86_400), s.expiresAt());
    }

    // ---- rotation ----

    @Test
    void rotateKeepsEverythingButTheTokenAndTheOldTokenReadsOnlyDuringTheGrace() {
        Session s = service.createStateSession(json("{\"AccountId\":\"bob\",\"n\":1}"), 600L);
        clock.advanceSeconds(100);
        Session r = service.rotate(s.token()).orElseThrow();
        assertNotEquals(s.token(), r.token());
        assertEquals(s.data(), r.data());
        assertEquals(s.createdAt(), r.createdAt());
        assertEquals(s.expiresAt(), r.expiresAt());
        assertEquals(s.lifetimeEnd(), r.lifetimeEnd());
        assertEquals(List.of(r.token()), service.sessionsOf("bob").stream().map(Session::token).toList());

        assertEquals(s.token(), service.validate(s.token()).orElseThrow().token());
        assertTrue(service.verify("bob", s.token()), "in-flight requests keep their principal during the grace");
        assertTrue(service.patch(s.token(), json("{\"x\":1}")).isEmpty(), "the old token writes nothing");
        assertFalse(service.delete(s.token()));
        assertTrue(service.rotate(s.token()).isEmpty());
        clock.advanceSeconds(GRACE);
        assertTrue(service.validate(s.token()).isEmpty());
        assertFalse(service.verify("bob", s.token()));
        assertTrue(service.verify("bob", r.token()));
    }

    @Test
    void withoutGraceTheOldTokenEndsAtOnce() {
        SessionService noGrace = serviceWith(new SessionLimits(65_536, 100, LIFETIME, 0));
        Session s = noGrace.createStateSession(json("{}"), null);
        Session r = noGrace.rotate(s.token()).orElseThrow();
        assertTrue(noGrace.validate(s.token()).isEmpty());
        assertTrue(noGrace.get(r.token()).isPresent());
    }

    @Test
    void aUserApiSessionRotatesWithItsAbsoluteExpiry() {
        Session s = service.createUserSession(new UserSessionRequest("carol", null, 7200L, null, null));
        clock.advance(Duration.ofMinutes(10));
        Session r = service.rotate(s.token()).orElseThrow();
        assertFalse(r.sliding());
        assertEquals(s.expiresAt(), r.expiresAt());
        assertEquals(r.token(), service.latestSession("carol").orElseThrow().token());
    }

    @Test
    void malformedOrUnknownTokensDoNotRotate() {
        assertTrue(service.rotate("short").isEmpty());
        assertTrue(service.rotate(null).isEmpty());
        assertTrue(service.rotate(Tokens.issue()).isEmpty());
    }
}
