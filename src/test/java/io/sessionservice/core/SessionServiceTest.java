package io.sessionservice.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.protocol.StateFields;
import io.sessionservice.store.TestClock;
import io.sessionservice.store.memory.MemorySessionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The session rules of SPEC §2–§4, over the memory store and a clock the test moves. */
class SessionServiceTest {

    static final long DEFAULT_TTL = 3600;
    static final long MAX_TTL = 86_400;
    static final String TOKEN = "client-token-0123456789";
    static final String OTHER_TOKEN = "another-token-9876543210";

    TestClock clock;
    MemorySessionStore store;
    SessionService service;
    Instant t0;

    @BeforeEach
    void setUp() {
        clock = new TestClock();
        store = new MemorySessionStore(clock);
        service = new SessionService(store, clock, DEFAULT_TTL, MAX_TTL, SessionLimits.DEFAULT, StateFields.SERVER_MANAGED);
        t0 = clock.instant();
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static ObjectNode empty() {
        return json("{}");
    }

    Optional<Session> keyedPatch(String token, ObjectNode body) {
        return service.patch(token, body, true);
    }

    Session state(String body) {
        return service.createStateSession(json(body), null);
    }

    Session stateWithTtl(String body, long ttl) {
        return service.createStateSession(json(body), ttl);
    }

    static UserSessionRequest user(String userId) {
        return new UserSessionRequest(userId, null, null, null, null);
    }

    static UserSessionRequest user(String userId, Long ttl, Instant createdAt, Instant expiresAt) {
        return new UserSessionRequest(userId, null, ttl, createdAt, expiresAt);
    }

    Instant expiresAtOf(String token) {
        return service.validate(token).orElseThrow().expiresAt();
    }

    @Test
    void constructorRefusesADefaultTtlOutsideOneToMax() {
        assertThrows(IllegalArgumentException.class, () -> new SessionService(store, clock, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new SessionService(store, clock, 11, 10));
        new SessionService(store, clock, 10, 10);
        new SessionService(store, clock, 1, 10);
    }

    @Nested
    class StateCreation {

        @Test
        void defaultTtlAndAnIssuedToken() {
            Session s = service.createStateSession(empty(), null);
            assertEquals(DEFAULT_TTL, s.ttlSeconds());
            assertEquals(t0, s.createdAt());
            assertEquals(t0.plusSeconds(DEFAULT_TTL), s.expiresAt());
            assertTrue(s.sliding());
            assertTrue(s.token().matches("[A-Za-z0-9_-]{43}"), s.token());
            assertEquals(empty(), s.data());
            assertNull(s.userId());
            assertEquals(s, service.validate(s.token()).orElseThrow());
        }

        @Test
        void bodyFieldsBecomeData() {
            Session s = state("{\"a\":1,\"nested\":{\"b\":[1,2,{\"c\":null}]},\"big\":123456789012345678901234567890,\"d\":1.50}");
            Session stored = service.validate(s.token()).orElseThrow();
            assertEquals(json("{\"a\":1,\"nested\":{\"b\":[1,2,{\"c\":null}]},\"big\":123456789012345678901234567890,\"d\":1.50}"),
                    stored.data());
            assertEquals("1.50", stored.data().get("d").toString());
        }

        @Test
        void issuedTokensDiffer() {
            assertNotEquals(state("{}").token(), state("{}").token());
        }

        @ParameterizedTest
        @ValueSource(longs = {1, 60, 86400})
        void ttlOfOneToMaxSeconds(long ttl) {
            Session s = service.createStateSession(empty(), ttl);
            assertEquals(ttl, s.ttlSeconds());
            assertEquals(t0.plusSeconds(ttl), s.expiresAt());
        }

        @ParameterizedTest
        @ValueSource(longs = {0, 86401, -1, 9999999999999L, Long.MIN_VALUE, Long.MAX_VALUE})
        void ttlOutOfRangeIsRefusedAndNothingStored(long ttl) {
            assertThrows(InvalidRequestException.class,
                    () -> service.createStateSession(json("{\"xSessionToken\":\"" + TOKEN + "\"}"), ttl));
            assertTrue(service.validate(TOKEN).isEmpty());
        }

        @Test
        void suppliedTokenIsHonouredAndNotStoredAsData() {
            Session s = state("{\"xSessionToken\":\"" + TOKEN + "\",\"a\":1}");
            assertEquals(TOKEN, s.token());
            assertEquals(json("{\"a\":1}"), s.data());
            assertEquals(json("{\"a\":1}"), service.get(TOKEN).orElseThrow().data());
        }

        @Test
        void nullTokenMeansIssueOne() {
            Session s = state("{\"xSessionToken\":null}");
            assertEquals(43, s.token().length());
            assertEquals(empty(), s.data());
        }

        @Test
        void suppliedTokenAlreadyLiveIsAConflictAndLeavesTheSessionAlone() {
            state("{\"xSessionToken\":\"" + TOKEN + "\",\"owner\":\"first\"}");
            assertThrows(TokenConflictException.class,
                    () -> state("{\"xSessionToken\":\"" + TOKEN + "\",\"owner\":\"second\"}"));
            assertEquals("first", service.get(TOKEN).orElseThrow().data().get("owner").asText());
        }

        @Test
        void userSessionTokenConflictsWithStateCreate() {
            service.createUserSession(new UserSessionRequest("u1", TOKEN, null, null, null));
            assertThrows(TokenConflictException.class, () -> state("{\"xSessionToken\":\"" + TOKEN + "\"}"));
        }

        @Test
        void tokenOfAnExpiredSessionMayBeReused() {
            stateWithTtl("{\"xSessionToken\":\"" + TOKEN + "\",\"n\":1}", 10);
            clock.advanceSeconds(10);
            Session again = state("{\"xSessionToken\":\"" + TOKEN + "\",\"n\":2}");
            assertEquals(2, again.data().get("n").asInt());
            assertEquals(clock.instant().plusSeconds(DEFAULT_TTL), again.expiresAt());
        }

        @Test
        void tokenOfADeletedSessionMayBeReused() {
            state("{\"xSessionToken\":\"" + TOKEN + "\"}");
            assertTrue(service.delete(TOKEN));
            assertEquals(TOKEN, state("{\"xSessionToken\":\"" + TOKEN + "\"}").token());
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"short\"", "\"fifteen-chars-x\"", "\"has/slash-0123456789\"", "\"has space 0123456789\"",
                "\"has+plus=0123456789\"", "\"\"", "12345678901234567890", "true", "{}", "[\"" + TOKEN + "\"]"})
        void malformedSuppliedTokenIsABadRequest(String tokenJson) {
            assertThrows(InvalidRequestException.class, () -> state("{\"xSessionToken\":" + tokenJson + "}"));
        }

        @Test
        void tooLongSuppliedTokenIsABadRequest() {
            assertThrows(InvalidRequestException.class, () -> state("{\"xSessionToken\":\"" + "a".repeat(257) + "\"}"));
            assertEquals(256, state("{\"xSessionToken\":\"" + "a".repeat(256) + "\"}").token().length());
        }

        @Test
        void serverManagedFieldsAreNeverData() {
            Session s = state("{\"xSessionToken\":\"" + TOKEN + "\",\"Expires\":\"2099-01-01T00:00:00.000Z\","
                    + "\"Ttl\":5,\"keep\":\"x\"}");
            assertEquals(json("{\"keep\":\"x\"}"), s.data());
            assertEquals(DEFAULT_TTL, s.ttlSeconds(), "body Ttl is ignored");
            assertEquals(t0.plusSeconds(DEFAULT_TTL), s.expiresAt(), "body Expires is ignored");
        }

        @Test
        void theCallersBodyIsNotChanged() {
            ObjectNode body = json("{\"xSessionToken\":\"" + TOKEN + "\",\"Ttl\":5,\"a\":1}");
            ObjectNode copy = body.deepCopy();
            service.createStateSession(body, null);
            assertEquals(copy, body);
        }

        @Test
        void userIdIsAccountIdWhenItIsAString() {
            assertEquals("u1", state("{\"AccountId\":\"u1\"}").userId());
            assertEquals("", state("{\"AccountId\":\"\"}").userId());
            assertNull(state("{\"AccountId\":42}").userId());
            assertNull(state("{\"AccountId\":null}").userId());
            assertNull(state("{\"AccountId\":{\"id\":\"u1\"}}").userId());
            assertNull(state("{\"AccountId\":[\"u1\"]}").userId());
            assertNull(state("{\"accountId\":\"u1\"}").userId(), "the field name is case-sensitive");
            assertNull(state("{}").userId());
        }

        @Test
        void accountIdStaysInTheData() {
            assertEquals(json("{\"AccountId\":42}"), state("{\"AccountId\":42}").data());
            assertEquals(json("{\"AccountId\":\"u1\"}"), state("{\"AccountId\":\"u1\"}").data());
        }
    }

    @Nested
    class Sliding {

        @Test
        void getExtendsValidateDoesNot() {
            Session s = stateWithTtl("{}", 60);
            clock.advanceSeconds(30);
            assertEquals(t0.plusSeconds(90), service.get(s.token()).orElseThrow().expiresAt());
            clock.advanceSeconds(50);
            assertEquals(t0.plusSeconds(90), service.validate(s.token()).orElseThrow().expiresAt());
            assertEquals(t0.plusSeconds(90), service.validate(s.token()).orElseThrow().expiresAt());
            clock.advanceSeconds(10);
            assertTrue(service.validate(s.token()).isEmpty(), "validate did not extend it");
            assertTrue(service.get(s.token()).isEmpty());
        }

        @Test
        void expiresExactlyAtExpiresAt() {
            Session s = stateWithTtl("{}", 60);
            clock.advance(Duration.ofSeconds(60).minusMillis(1));
            assertTrue(service.validate(s.token()).isPresent());
            clock.advanceMillis(1);
            assertTrue(service.validate(s.token()).isEmpty());
            assertTrue(service.get(s.token()).isEmpty());
            assertTrue(service.patch(s.token(), json("{\"a\":1}")).isEmpty());
            assertTrue(service.replace(s.token(), json("{\"a\":1}")).isEmpty());
            assertFalse(service.delete(s.token()));
        }

        @Test
        void repeatedGetsKeepItAlive() {
            Session s = stateWithTtl("{}", 60);
            for (int i = 0; i < 10; i++) {
                clock.advanceSeconds(59);
                assertTrue(service.get(s.token()).isPresent(), "read " + i);
            }
            assertEquals(clock.instant().plusSeconds(60), expiresAtOf(s.token()));
        }

        @Test
        void patchAndReplaceExtend() {
            Session s = stateWithTtl("{}", 60);
            clock.advanceSeconds(40);
            assertEquals(clock.instant().plusSeconds(60), service.patch(s.token(), json("{\"a\":1}")).orElseThrow().expiresAt());
            clock.advanceSeconds(40);
            assertEquals(clock.instant().plusSeconds(60), service.replace(s.token(), json("{\"b\":1}")).orElseThrow().expiresAt());
            clock.advanceSeconds(59);
            assertTrue(service.validate(s.token()).isPresent());
        }

        @Test
        void verifyDoesNotExtend() {
            Session s = stateWithTtl("{\"AccountId\":\"u1\"}", 60);
            clock.advanceSeconds(30);
            assertTrue(service.verify("u1", s.token()));
            assertEquals(t0.plusSeconds(60), expiresAtOf(s.token()));
        }

        @Test
        void userSessionsNeverSlide() {
            Session s = service.createUserSession(user("u1", 60L, null, null));
            assertFalse(s.sliding());
            clock.advanceSeconds(30);
            assertEquals(t0.plusSeconds(60), service.get(s.token()).orElseThrow().expiresAt());
            assertEquals(t0.plusSeconds(60), service.patch(s.token(), json("{\"a\":1}")).orElseThrow().expiresAt());
            assertEquals(t0.plusSeconds(60),
                    service.replace(s.token(), json("{\"AccountId\":\"u1\"}")).orElseThrow().expiresAt());
            clock.advanceSeconds(30);
            assertTrue(service.get(s.token()).isEmpty());
            assertFalse(service.verify("u1", s.token()));
        }
    }

    @Nested
    class Changes {

        @Test
        void patchSetsFieldsAndNullRemovesThem() {
            Session s = state("{\"a\":1,\"b\":{\"x\":1,\"y\":2},\"c\":3}");
            Session p = service.patch(s.token(), json("{\"a\":null,\"b\":{\"x\":9},\"d\":[1,null],\"absent\":null}"))
                    .orElseThrow();
            ObjectNode expected = json("{\"b\":{\"x\":9},\"c\":3,\"d\":[1,null]}");
            assertEquals(expected, p.data());
            assertEquals(expected, service.validate(s.token()).orElseThrow().data());
        }

        @Test
        void emptyPatchChangesNothingButExpiry() {
            Session s = stateWithTtl("{\"a\":1}", 60);
            clock.advanceSeconds(10);
            Session p = service.patch(s.token(), empty()).orElseThrow();
            assertEquals(json("{\"a\":1}"), p.data());
            assertEquals(clock.instant().plusSeconds(60), p.expiresAt());
        }

        @Test
        void patchIgnoresServerManagedFields() {
            Session s = stateWithTtl("{\"xSessionToken\":\"" + TOKEN + "\",\"a\":1}", 60);
            Session p = service.patch(TOKEN, json("{\"xSessionToken\":\"" + OTHER_TOKEN + "\",\"Ttl\":1,"
                    + "\"Expires\":\"2099-01-01T00:00:00.000Z\",\"b\":2}")).orElseThrow();
            assertEquals(TOKEN, p.token());
            assertEquals(60, p.ttlSeconds());
            assertEquals(t0.plusSeconds(60), p.expiresAt());
            assertEquals(json("{\"a\":1,\"b\":2}"), p.data());
            assertTrue(service.validate(OTHER_TOKEN).isEmpty());
            assertEquals(s.createdAt(), p.createdAt());
        }

        @Test
        void patchNullOnServerManagedFieldsIsIgnored() {
            state("{\"xSessionToken\":\"" + TOKEN + "\"}");
            Session p = service.patch(TOKEN, json("{\"xSessionToken\":null,\"Ttl\":null,\"Expires\":null}")).orElseThrow();
            assertEquals(DEFAULT_TTL, p.ttlSeconds());
            assertEquals(empty(), p.data());
        }

        @Test
        void patchOfAccountIdChangesTheUser() {
            Session s = state("{\"AccountId\":\"u1\",\"a\":1}");
            assertEquals("u1", service.patch(s.token(), json("{\"a\":2}")).orElseThrow().userId());
            assertEquals("u2", keyedPatch(s.token(), json("{\"AccountId\":\"u2\"}")).orElseThrow().userId());
            assertTrue(service.sessionsOf("u1").isEmpty());
            assertEquals(List.of(s.token()), service.sessionsOf("u2").stream().map(Session::token).toList());
            assertNull(keyedPatch(s.token(), json("{\"AccountId\":7}")).orElseThrow().userId());
            assertEquals("u3", keyedPatch(s.token(), json("{\"AccountId\":\"u3\"}")).orElseThrow().userId());
            assertNull(keyedPatch(s.token(), json("{\"AccountId\":null}")).orElseThrow().userId());
            assertTrue(service.sessionsOf("u3").isEmpty());
            assertFalse(service.verify("u3", s.token()));
        }

        @Test
        void replaceMakesTheDataExactlyTheBody() {
            Session s = state("{\"AccountId\":\"u1\",\"a\":1,\"b\":2}");
            Session r = service.replace(s.token(), json("{\"c\":3,\"xSessionToken\":\"" + OTHER_TOKEN + "\","
                    + "\"Expires\":\"x\",\"Ttl\":9}")).orElseThrow();
            assertEquals(json("{\"c\":3,\"AccountId\":\"u1\"}"), r.data(), "a body without AccountId keeps it");
            assertEquals(s.token(), r.token());
            assertEquals(DEFAULT_TTL, r.ttlSeconds());
            assertEquals("u1", r.userId());
            assertEquals(r.data(), service.validate(s.token()).orElseThrow().data());
            assertEquals("u9", service.replace(s.token(), json("{\"AccountId\":\"u9\"}"), true).orElseThrow().userId());
            assertNull(service.replace(s.token(), json("{\"c\":4,\"AccountId\":null}"), true).orElseThrow().userId());
            assertEquals(json("{\"c\":4,\"AccountId\":null}"), service.validate(s.token()).orElseThrow().data());
        }

        @Test
        void changesToMissingSessionsCreateNothing() {
            assertTrue(service.patch(TOKEN, json("{\"a\":1}")).isEmpty());
            assertTrue(service.replace(TOKEN, json("{\"a\":1}")).isEmpty());
            assertTrue(service.validate(TOKEN).isEmpty());
        }

        @Test
        void changesAfterDeleteDoNotBringTheSessionBack() {
            Session s = state("{\"a\":1}");
            assertTrue(service.delete(s.token()));
            assertTrue(service.patch(s.token(), json("{\"a\":2}")).isEmpty());
            assertTrue(service.replace(s.token(), json("{\"a\":3}")).isEmpty());
            assertTrue(service.get(s.token()).isEmpty());
            assertTrue(service.validate(s.token()).isEmpty());
        }

        @Test
        void changesAfterExpiryDoNotBringTheSessionBack() {
            Session s = stateWithTtl("{}", 5);
            clock.advanceSeconds(5);
            assertTrue(service.patch(s.token(), json("{\"a\":2}")).isEmpty());
            assertTrue(service.replace(s.token(), json("{\"a\":3}")).isEmpty());
            assertTrue(service.validate(s.token()).isEmpty(), "an expired session stays gone");
            assertTrue(service.get(s.token()).isEmpty(), "an expired session stays gone");
        }

        @Test
        void deleteEndsTheSessionOnce() {
            Session s = state("{}");
            assertTrue(service.delete(s.token()));
            assertFalse(service.delete(s.token()));
            assertTrue(service.get(s.token()).isEmpty());
        }

        @Test
        void deleteOfUnknownMalformedOrExpiredIsFalse() {
            assertFalse(service.delete(TOKEN));
            assertFalse(service.delete(null));
            assertFalse(service.delete(""));
            assertFalse(service.delete("short"));
            assertFalse(service.delete("has/slash-0123456789"));
            Session s = stateWithTtl("{}", 1);
            clock.advanceSeconds(1);
            assertFalse(service.delete(s.token()));
        }

        @Test
        void malformedTokensFindNothing() {
            state("{\"xSessionToken\":\"" + TOKEN + "\"}");
            for (String bad : new String[] {null, "", "short", TOKEN + "/", TOKEN + " ", " " + TOKEN, "a".repeat(257)}) {
                assertTrue(service.get(bad).isEmpty(), String.valueOf(bad));
                assertTrue(service.validate(bad).isEmpty(), String.valueOf(bad));
                assertTrue(service.patch(bad, json("{\"a\":1}")).isEmpty(), String.valueOf(bad));
                assertTrue(service.replace(bad, json("{\"a\":1}")).isEmpty(), String.valueOf(bad));
            }
        }
    }

    @Nested
    class UserSessions {

        @Test
        void defaultExpiryIsNowPlusSessionExpirySec() {
            Session s = service.createUserSession(user("u1"));
            assertEquals("u1", s.userId());
            assertEquals(t0, s.createdAt());
            assertEquals(t0.plusSeconds(DEFAULT_TTL), s.expiresAt());
            assertEquals(DEFAULT_TTL, s.ttlSeconds());
            assertFalse(s.sliding());
            assertEquals(43, s.token().length());
            assertEquals(json("{\"AccountId\":\"u1\"}"), s.data(), "the state API sees the same owner");
            assertEquals(s, service.validate(s.token()).orElseThrow());
        }

        @Test
        void ttlFromNow() {
            Session s = service.createUserSession(user("u1", 120L, null, null));
            assertEquals(t0.plusSeconds(120), s.expiresAt());
            assertEquals(120, s.ttlSeconds());
        }

        @Test
        void ttlFromCreatedAt() {
            Instant created = t0.minusSeconds(600);
            Session s = service.createUserSession(user("u1", 3600L, created, null));
            assertEquals(created, s.createdAt());
            assertEquals(created.plusSeconds(3600), s.expiresAt());
            assertEquals(3600, s.ttlSeconds());
        }

        @Test
        void defaultTtlFromCreatedAt() {
            Instant created = t0.minusSeconds(600);
            Session s = service.createUserSession(user("u1", null, created, null));
            assertEquals(created.plusSeconds(DEFAULT_TTL), s.expiresAt());
        }

        @Test
        void expiredAtWinsOverTtlAndCreatedAt() {
            Instant created = t0.minusSeconds(600);
            Instant expires = t0.plusSeconds(7200);
            Session s = service.createUserSession(user("u1", 60L, created, expires));
            assertEquals(expires, s.expiresAt());
            assertEquals(created, s.createdAt());
            assertEquals(7800, s.ttlSeconds(), "ttl is the session's whole lifetime");
        }

        @Test
        void expiredAtAlone() {
            Session s = service.createUserSession(user("u1", null, null, t0.plusSeconds(7200)));
            assertEquals(t0.plusSeconds(7200), s.expiresAt());
            assertEquals(7200, s.ttlSeconds());
        }

        @Test
        void ttlOfAnExpiredAtIsRoundedUpToWholeSeconds() {
            assertEquals(2, service.createUserSession(user("u1", null, null, t0.plusMillis(1500))).ttlSeconds());
            assertEquals(1, service.createUserSession(user("u1", null, null, t0.plusMillis(1))).ttlSeconds());
        }

        @Test
        void timestampsAreKeptToTheMillisecond() {
            Instant created = t0.minusSeconds(10).plusNanos(456_789);
            Instant expires = t0.plusSeconds(100).plusNanos(999_999);
            Session s = service.createUserSession(user("u1", null, created, expires));
            assertEquals(0, s.createdAt().getNano() % 1_000_000);
            assertEquals(0, s.expiresAt().getNano() % 1_000_000);
        }

        @Test
        void aUserMayHoldSeveralSessions() {
            Session a = service.createUserSession(user("u1"));
            Session b = service.createUserSession(user("u1"));
            assertNotEquals(a.token(), b.token());
            assertEquals(2, service.sessionsOf("u1").size());
        }

        @Test
        void suppliedTokenIsHonoured() {
            Session s = service.createUserSession(new UserSessionRequest("u1", TOKEN, null, null, null));
            assertEquals(TOKEN, s.token());
            assertTrue(service.verify("u1", TOKEN));
        }

        @Test
        void suppliedTokenAlreadyLiveIsAConflict() {
            service.createUserSession(new UserSessionRequest("u1", TOKEN, null, null, null));
            assertThrows(TokenConflictException.class,
                    () -> service.createUserSession(new UserSessionRequest("u2", TOKEN, null, null, null)));
            assertTrue(service.verify("u1", TOKEN));
            assertFalse(service.verify("u2", TOKEN));
        }

        @ParameterizedTest
        @ValueSource(strings = {"short", "", "has/slash-0123456789", "has space 0123456789"})
        void malformedTokenIsABadRequest(String token) {
            assertThrows(InvalidRequestException.class,
                    () -> service.createUserSession(new UserSessionRequest("u1", token, null, null, null)));
        }

        @Test
        void missingUserIdIsABadRequest() {
            assertThrows(InvalidRequestException.class, () -> service.createUserSession(user(null)));
            assertThrows(InvalidRequestException.class, () -> service.createUserSession(user("")));
        }

        @ParameterizedTest
        @ValueSource(longs = {0, -1, -3600, MAX_TTL + 1, Long.MAX_VALUE, Long.MIN_VALUE})
        void ttlUnderOneSecondOrOverMaxIsABadRequest(long ttl) {
            assertThrows(InvalidRequestException.class, () -> service.createUserSession(user("u1", ttl, null, null)));
            assertTrue(service.sessionsOf("u1").isEmpty());
        }

        @Test
        void ttlOfOneAndOfMaxAreFine() {
            assertEquals(1, service.createUserSession(user("u1", 1L, null, null)).ttlSeconds());
            assertEquals(MAX_TTL, service.createUserSession(user("u1", MAX_TTL, null, null)).ttlSeconds());
        }

        @Test
        void expiredAtNotInTheFutureIsABadRequest() {
            assertThrows(InvalidRequestException.class,
                    () -> service.createUserSession(user("u1", null, null, t0.minusSeconds(1))));
            assertThrows(InvalidRequestException.class,
                    () -> service.createUserSession(user("u1", null, null, t0)));
            assertThrows(InvalidRequestException.class,
                    () -> service.createUserSession(user("u1", null, null, Instant.EPOCH)));
        }

        @Test
        void createdAtPlusTtlInThePastIsABadRequest() {
            assertThrows(InvalidRequestException.class,
                    () -> service.createUserSession(user("u1", 3600L, t0.minusSeconds(7200), null)));
            assertThrows(InvalidRequestException.class,
                    () -> service.createUserSession(user("u1", 3600L, t0.minusSeconds(3600), null)));
        }

        @Test
        void expiryMoreThanMaxTtlAwayIsABadRequest() {
            assertThrows(InvalidRequestException.class,
                    () -> service.createUserSession(user("u1", null, null, t0.plusSeconds(MAX_TTL + 1))));
            assertEquals(t0.plusSeconds(MAX_TTL),
                    service.createUserSession(user("u1", null, null, t0.plusSeconds(MAX_TTL))).expiresAt());
        }

        @Test
        void createdAtFarInTheFutureIsABadRequest() {
            assertThrows(InvalidRequestException.class,
                    () -> service.createUserSession(user("u1", 60L, t0.plusSeconds(86_400), null)));
            assertThrows(InvalidRequestException.class,
                    () -> service.createUserSession(user("u1", null, t0.plusSeconds(3600), t0.plusSeconds(7200))));
        }

        @Test
        void createdAtSlightlyAheadIsClockSkewAndAccepted() {
            Session s = service.createUserSession(user("u1", 60L, t0.plusSeconds(30), null));
            assertEquals(t0.plusSeconds(30), s.createdAt());
            assertEquals(t0.plusSeconds(90), s.expiresAt());
        }

        @Test
        void createdAtMoreThanMaxTtlInThePastIsABadRequestNamingTheField() {
            Instant tooEarly = t0.minusSeconds(MAX_TTL).minusMillis(1);
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> service.createUserSession(user("u1", null, tooEarly, t0.plusSeconds(3600))));
            assertTrue(e.getMessage().startsWith("created_at "), e.getMessage());
            Session s = service.createUserSession(user("u1", null, t0.minusSeconds(MAX_TTL), t0.plusSeconds(3600)));
            assertEquals(t0.minusSeconds(MAX_TTL), s.createdAt(), "exactly maxTtlSec ago is still fine");
        }

        @Test
        void createdAtBeyondTheClockSkewNamesTheField() {
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> service.createUserSession(user("u1", 60L, t0.plusSeconds(61), null)));
            assertTrue(e.getMessage().startsWith("created_at "), e.getMessage());
            assertEquals(t0.plusSeconds(60), service.createUserSession(user("u1", 60L, t0.plusSeconds(60), null)).createdAt());
        }

        @ParameterizedTest
        @ValueSource(longs = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, Long.MAX_VALUE, Long.MAX_VALUE - 1})
        void extremeCreatedAtIsABadRequestNotAnArithmeticError(long epochMillis) {
            Instant createdAt = Timestamps.ofEpochMilli(epochMillis);
            for (UserSessionRequest r : List.of(user("u1", null, createdAt, t0.plusSeconds(3600)),
                    user("u1", 60L, createdAt, null), user("u1", null, createdAt, null))) {
                InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> service.createUserSession(r));
                assertTrue(e.getMessage().startsWith("created_at "), e.getMessage());
            }
            assertTrue(service.sessionsOf("u1").isEmpty());
        }

        @ParameterizedTest
        @ValueSource(longs = {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE})
        void extremeExpiredAtIsABadRequestNamingTheField(long epochMillis) {
            Instant expiresAt = Timestamps.ofEpochMilli(epochMillis);
            for (Instant createdAt : java.util.Arrays.asList(null, t0, t0.minusSeconds(60))) {
                InvalidRequestException e = assertThrows(InvalidRequestException.class,
                        () -> service.createUserSession(user("u1", null, createdAt, expiresAt)));
                assertTrue(e.getMessage().startsWith("expired_at "), e.getMessage());
            }
        }

        @Test
        void expiredAtNotAfterCreatedAtIsABadRequest() {
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> service.createUserSession(user("u1", null, t0.plusSeconds(50), t0.plusSeconds(10))));
            assertTrue(e.getMessage().startsWith("expired_at "), e.getMessage());
            assertThrows(InvalidRequestException.class,
                    () -> service.createUserSession(user("u1", null, t0.plusSeconds(10), t0.plusSeconds(10))));
        }

        @Test
        void theLongestMaxTtlStillKeepsInstantsFarFromOverflow() {
            long max = SessionService.MAX_TTL_LIMIT_SECONDS;
            assertThrows(IllegalArgumentException.class, () -> new SessionService(store, clock, DEFAULT_TTL, max + 1));
            assertThrows(IllegalArgumentException.class, () -> new SessionService(store, clock, DEFAULT_TTL, Long.MAX_VALUE));
            SessionService lax = new SessionService(store, clock, DEFAULT_TTL, max);
            Instant longAgo = Timestamps.ofEpochMilli(Long.MIN_VALUE);
            assertThrows(InvalidRequestException.class, () -> lax.createUserSession(user("u1", max, longAgo, null)));
            assertThrows(InvalidRequestException.class,
                    () -> lax.createUserSession(user("u1", null, longAgo, Timestamps.ofEpochMilli(Long.MAX_VALUE))));
            assertThrows(InvalidRequestException.class,
                    () -> lax.createUserSession(user("u1", max, t0.minusSeconds(max), null)), "ends now: not in the future");
            assertEquals(t0.plusSeconds(max - 60),
                    lax.createUserSession(user("u1", max, t0.minusSeconds(60), null)).expiresAt());
        }

        @Test
        void refusedRequestsStoreNothing() {
            assertThrows(InvalidRequestException.class,
                    () -> service.createUserSession(new UserSessionRequest("u1", TOKEN, 0L, null, null)));
            assertTrue(service.validate(TOKEN).isEmpty());
        }
    }

    @Nested
    class ByUser {

        Session userSession(String userId, Instant createdAt, long ttl) {
            return service.createUserSession(user(userId, ttl, createdAt, null));
        }

        @Test
        void latestSessionPicksTheLatestCreatedAtNotTheLastInserted() {
            userSession("u1", t0.minusSeconds(3 * 3600), 86_000);
            Session newest = userSession("u1", t0.minusSeconds(3600), 86_000);
            userSession("u1", t0.minusSeconds(2 * 3600), 86_000);
            userSession("u2", t0, 86_000);
            assertEquals(newest.token(), service.latestSession("u1").orElseThrow().token());
        }

        @Test
        void stateSessionsCountThroughAccountId() {
            userSession("u1", t0.minusSeconds(60), 3600);
            clock.advanceSeconds(1);
            Session state = state("{\"AccountId\":\"u1\"}");
            assertEquals(state.token(), service.latestSession("u1").orElseThrow().token());
            assertEquals(2, service.sessionsOf("u1").size());
        }

        @Test
        void expiredAndDeletedSessionsAreSkipped() {
            Session older = userSession("u1", t0.minusSeconds(3600), 86_000);
            Session shortLived = userSession("u1", t0, 60);
            Session deleted = userSession("u1", t0.minusSeconds(10), 86_000);
            assertEquals(shortLived.token(), service.latestSession("u1").orElseThrow().token());
            clock.advanceSeconds(60);
            assertEquals(deleted.token(), service.latestSession("u1").orElseThrow().token());
            assertTrue(service.delete(deleted.token()));
            assertEquals(older.token(), service.latestSession("u1").orElseThrow().token());
        }

        @Test
        void noLiveSessionIsEmpty() {
            assertTrue(service.latestSession("nobody").isEmpty());
            assertTrue(service.sessionsOf("nobody").isEmpty());
            userSession("u1", t0, 10);
            clock.advanceSeconds(10);
            assertTrue(service.latestSession("u1").isEmpty());
        }

        @Test
        void sessionsOfListsLiveOnesNewestFirst() {
            Session a = userSession("u1", t0.minusSeconds(300), 3600);
            Session b = userSession("u1", t0.minusSeconds(100), 3600);
            Session c = userSession("u1", t0.minusSeconds(200), 3600);
            userSession("u1", t0.minusSeconds(50), 60);
            userSession("u2", t0, 3600);
            clock.advanceSeconds(10);
            assertEquals(List.of(b.token(), c.token(), a.token()),
                    service.sessionsOf("u1").stream().map(Session::token).toList());
        }

        @Test
        void verifyTrueOnlyForALiveTokenOfThatUser() {
            Session s = service.createUserSession(new UserSessionRequest("u1", TOKEN, 60L, null, null));
            assertTrue(service.verify("u1", TOKEN));
            assertFalse(service.verify("u2", TOKEN), "wrong user");
            assertFalse(service.verify("U1", TOKEN), "user ids are case-sensitive");
            assertFalse(service.verify("", TOKEN));
            assertFalse(service.verify("u1", OTHER_TOKEN), "unknown token");
            assertFalse(service.verify("u1", "short"), "malformed token");
            assertFalse(service.verify("u1", TOKEN + "/"), "malformed token");
            assertFalse(service.verify("u1", ""), "empty token");
            assertFalse(service.verify("u1", null), "no token");
            clock.advanceSeconds(60);
            assertFalse(service.verify("u1", s.token()), "expired");
        }

        @Test
        void verifyAfterDeleteIsFalse() {
            Session s = service.createUserSession(user("u1"));
            service.delete(s.token());
            assertFalse(service.verify("u1", s.token()));
        }

        @Test
        void verifyOfStateSessions() {
            Session owned = state("{\"AccountId\":\"u1\"}");
            Session anonymous = state("{\"a\":1}");
            assertTrue(service.verify("u1", owned.token()));
            assertFalse(service.verify("u1", anonymous.token()));
            assertFalse(service.verify("", anonymous.token()));
        }

        @Test
        void endSessionsOfEndsEveryLiveSessionOfTheUserAndCountsThem() {
            Session a = userSession("u1", t0, 3600);
            Session b = userSession("u1", t0, 7200);
            Session c = state("{\"AccountId\":\"u1\"}");
            userSession("u1", t0, 10);
            Session other = userSession("u2", t0, 3600);
            clock.advanceSeconds(10);

            assertEquals(3, service.endSessionsOf("u1"), "the expired one is not counted");
            for (Session s : List.of(a, b, c)) {
                assertTrue(service.validate(s.token()).isEmpty());
            }
            assertTrue(service.sessionsOf("u1").isEmpty());
            assertTrue(service.validate(other.token()).isPresent());
            assertEquals(0, service.endSessionsOf("u1"));
            assertEquals(0, service.endSessionsOf("nobody"));
        }

        @Test
        void endSessionsOfFollowsAccountIdChanges() {
            Session s = state("{\"AccountId\":\"u1\"}");
            service.patch(s.token(), json("{\"AccountId\":\"u2\"}"), true);
            assertEquals(0, service.endSessionsOf("u1"));
            assertEquals(1, service.endSessionsOf("u2"));
            assertTrue(service.validate(s.token()).isEmpty());
        }
    }

    @Test
    void ttlRulesAreExposedForTheResources() {
        service.checkTtlRange(1);
        service.checkTtlRange(MAX_TTL);
        assertThrows(InvalidRequestException.class, () -> service.checkTtlRange(MAX_TTL + 1));
        assertEquals(Optional.empty(), service.validate(TOKEN));
    }
}
