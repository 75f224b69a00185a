package io.sessionservice.store.couchbase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sessionservice.testing.TestConfigs;
import com.couchbase.client.core.env.PasswordAuthenticator;
import com.couchbase.client.core.error.DocumentNotFoundException;
import com.couchbase.client.java.Bucket;
import com.couchbase.client.java.Cluster;
import com.couchbase.client.java.Collection;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.config.ConfigException;
import io.sessionservice.config.ServiceConfig;
import io.sessionservice.core.Json;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.OwnerChangeForbiddenException;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.Tokens;
import io.sessionservice.core.TouchResolution;
import io.sessionservice.store.SessionStoreContract;
import io.sessionservice.store.SessionStores;
import io.sessionservice.store.TestClock;
import io.sessionservice.store.TokensAtRestContract;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract and the Couchbase store's own promises (document layout, KV operations per
 * store operation, index upkeep) against CouchbaseMock in this JVM. {@link RealCouchbaseSessionStoreTest}
 * runs the same tests against a real Couchbase.
 */
class CouchbaseSessionStoreTest extends SessionStoreContract implements TokensAtRestContract {

    @Override
    public TestClock testClock() {
        return clock;
    }

    /** The session documents (id and content) of the storage keys, and the user's index document. */
    @Override
    public String rawContent(String userId, List<String> storageKeys) throws Exception {
        Collection collection = connection().collection();
        StringBuilder raw = new StringBuilder();
        for (String key : storageKeys) {
            String id = SessionDocument.key(key);
            raw.append(id).append(" = ").append(new String(collection.get(id).contentAs(byte[].class),
                    java.nio.charset.StandardCharsets.UTF_8)).append('\n');
        }
        String index = UserIndex.key(userId);
        return raw.append(index).append(" = ").append(new String(collection.get(index).contentAs(byte[].class),
                java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** One connection per backend for the whole class: connecting costs about a second. */
    record Connection(Cluster cluster, Bucket bucket, Collection collection, KvOperationCounter kvOps) {

        static Connection open(String connectionString, String username, String password, String bucketName) {
            KvOperationCounter kvOps = new KvOperationCounter();
            Cluster cluster = CouchbaseSessionStore.cluster(connectionString,
                    PasswordAuthenticator.create(username, password), TIMEOUT, env -> env.requestTracer(kvOps));
            Bucket bucket = cluster.bucket(bucketName);
            bucket.waitUntilReady(Duration.ofSeconds(30)); // generous: a loaded 2-core machine connects slowly
            return new Connection(cluster, bucket, bucket.defaultCollection(), kvOps);
        }
    }

    private static CouchbaseMockServer mock;
    private static Connection mockConnection;

    /** The backend of this class; {@link RealCouchbaseSessionStoreTest} points at a real one. */
    protected Connection connection() throws Exception {
        synchronized (CouchbaseSessionStoreTest.class) {
            if (mockConnection == null) {
                assertTrue(mock == null, "the mock started but could not be connected to: see the first failure");
                mock = new CouchbaseMockServer();
                mockConnection = Connection.open(mock.connectionString(), CouchbaseMockServer.BUCKET,
                        CouchbaseMockServer.PASSWORD, CouchbaseMockServer.BUCKET);
            }
            return mockConnection;
        }
    }

    @AfterAll
    static void stopMock() {
        if (mockConnection != null) {
            mockConnection.cluster().disconnect();
            mockConnection = null;
        }
        if (mock != null) {
            mock.close();
            mock = null;
        }
    }

    @Override
    protected SessionStore openStore(TestClock clock, TouchResolution touch) throws Exception {
        Connection c = connection();
        // The shared connection outlives each test's store.
        return new CouchbaseSessionStore(c.bucket(), c.collection(), clock, TIMEOUT, () -> { }, touch);
    }

    /** The mock's clock moves with the test's, so Couchbase drops expired documents as it would. */
    @Override
    protected void advance(Duration d) throws Exception {
        super.advance(d);
        CouchbaseMockServer.timeTravel(d);
    }

    // ---- KV operations per store operation (the README's table) ----

    @Test
    void kvOperationsPerStoreOperation() throws Exception {
        KvOperationCounter kv = connection().kvOps();
        String owner = user();
        kv.take();

        Session a = session(owner, 600, true);
        store.insert(a);
        // index get + write, the session, the index again (the cap's view: see insertUnderTheCap…)
        assertEquals(List.of("get", "insert", "insert", "get"), kv.take(), "create, the user's first session");
        Session b = session(owner, 600, false);
        store.insert(b);
        assertEquals(List.of("get", "replace", "insert", "get"), kv.take(), "create, a further session");
        store.insert(session(null, 600, true));
        assertEquals(List.of("insert"), kv.take(), "create without owner");

        store.find(a.token(), false);
        assertEquals(List.of("get"), kv.take(), "validate");
        clock.advance(Duration.ofSeconds(1));
        store.find(a.token(), true);
        assertEquals(List.of("get"), kv.take(), "sliding read within the touch resolution (ttl 600 s: 6 s)");
        clock.advance(Duration.ofSeconds(7));
        store.find(a.token(), true);
        assertEquals(List.of("get", "mutate_in"), kv.take(), "sliding read that slides");
        store.find(b.token(), true);
        assertEquals(List.of("get"), kv.take(), "read of an absolute session");

        Session rotating = session(null, 600, true);
        store.insert(rotating);
        kv.take();
        store.rotate(rotating.token(), store.newTokenFor(rotating.token()), null).orElseThrow();
        assertEquals(List.of("get", "insert", "remove"), kv.take(), "rotate without owner");
        Session owned = session(user(), 600, true); // another user: the list below counts owner's sessions
        store.insert(owned);
        kv.take();
        store.rotate(owned.token(), store.newTokenFor(owned.token()), clock.instant().plusSeconds(5)).orElseThrow();
        assertEquals(List.of("get", "get", "replace", "insert", "replace"), kv.take(),
                "rotate with owner and grace: the new token's index entry first, the old token's copy last");

        store.update(a.token(), new Mutation.Patch(json("{\"x\":1}"), Set.of("n")), true);
        assertEquals(List.of("get", "mutate_in"), kv.take(), "patch");
        store.update(a.token(), new Mutation.Replace(json("{\"AccountId\":\"" + owner + "\",\"y\":2}")), true);
        assertEquals(List.of("get", "replace"), kv.take(), "replace");

        assertEquals(2, store.findByUser(owner).size());
        assertEquals(List.of("get", "get", "get"), kv.take(), "list a user's 2 sessions");

        Session c = stored(owner);
        kv.take();
        assertTrue(store.delete(c.token()));
        assertEquals(List.of("get", "remove"), kv.take(), "delete");

        // revoke-all: the index, each entry's session (c's entry is still there), each live one removed, the index
        assertEquals(2, store.deleteByUser(owner));
        assertEquals(List.of("get", "get", "get", "get", "remove", "remove", "replace"), kv.take(),
                "revoke-all of 2 sessions");

        store.ping();
        assertEquals(List.of(), kv.take(), "ping is a KV no-op, not a document operation");
    }

    @Test
    void latestSessionAndAPageReadOnlyTheIndexAndThePagesSessions() throws Exception {
        KvOperationCounter kv = connection().kvOps();
        String owner = user();
        List<Session> made = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Session s = new Session(Tokens.issue(), owner, json("{\"AccountId\":\"" + owner + "\"}"),
                    clock.instant().minusMillis(i), clock.instant().plusSeconds(600), 600, true);
            assertTrue(store.insert(s));
            made.add(s);
        }
        kv.take();
        assertEquals(List.of(made.get(0).token()), tokens(store.findByUser(owner, PageStart.FIRST, 1)));
        assertEquals(List.of("get", "get"), kv.take(), "latest of 40: the index and one session");
        long start = made.get(20).createdAt().toEpochMilli();
        assertEquals(tokens(made.subList(20, 23)), tokens(store.findByUser(owner, new PageStart(start, 0), 3)));
        assertEquals(List.of("get", "get", "get", "get"), kv.take(), "a page of 3 from the middle");
    }

    @Test
    void insertPastTheCapCosts() throws Exception {
        KvOperationCounter kv = connection().kvOps();
        String owner = user();
        Session oldest = stored(owner);
        clock.advance(Duration.ofMillis(1));
        stored(owner);
        clock.advance(Duration.ofMillis(1));
        kv.take();
        assertTrue(store.insert(session(owner, 600, true), 2));
        // index get + write, the session, the index again; over the cap: its 3 sessions, one removal, the index
        assertEquals(List.of("get", "replace", "insert", "get", "get", "get", "get", "remove", "replace"), kv.take());
        assertTrue(store.find(oldest.token(), false).isEmpty());
        assertFalse(raw(connection().collection(), UserIndex.key(owner)).path("sessions")
                .has(SessionDocument.key(oldest.token())), "the ended session's entry is dropped");
    }

    @Test
    void theCapHoldsUnderConcurrentInsertsOfOneUser() throws Exception {
        for (int round = 0; round < 4; round++) {
            String owner = user();
            List<Session> made = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                made.add(new Session(Tokens.issue(), owner, json("{\"AccountId\":\"" + owner + "\"}"),
                        clock.instant().plusMillis(i), clock.instant().plusSeconds(600), 600, true));
            }
            assertEquals(List.of(true, true, true, true, true, true, true, true),
                    runConcurrently(8, i -> store.insert(made.get(i), 3)));
            List<Session> newest = made.stream().sorted(PageStart.NEWEST_FIRST).limit(3).toList();
            assertEquals(tokens(newest), tokens(store.findByUser(owner)), "round " + round);
            assertEquals(3, made.stream().filter(s -> store.find(s.token(), false).isPresent()).count());
        }
    }

    /**
     * Insert A indexes its session, then insert B runs whole before A's session is written: B sees
     * A's entry without its session (pending, not counted), so only A, reading the index again after
     * its own write, can see that the user is past the cap.
     */
    @Test
    void theCapHoldsWhenAnotherInsertOvertakesOne() throws Exception {
        KvOperationCounter kv = connection().kvOps();
        String owner = user();
        Session x = stored(owner);
        clock.advance(Duration.ofMillis(1));
        Session a = session(owner, 600, true);
        clock.advance(Duration.ofMillis(1));
        Session b = session(owner, 600, true);
        kv.beforeNext("insert", () -> inAnotherThread(() -> assertTrue(store.insert(b, 2))));
        assertTrue(store.insert(a, 2));
        assertEquals(tokens(List.of(b, a)), tokens(store.findByUser(owner)));
        assertTrue(store.find(x.token(), false).isEmpty());
    }

    /** A token-only patch that names the current owner must not undo a keyed owner move between its read and write. */
    @Test
    void aTokenOnlyPatchNamingTheOwnerCannotUndoAConcurrentOwnerMove() throws Exception {
        KvOperationCounter kv = connection().kvOps();
        String owner = user();
        String next = user();
        Session s = stored(owner);
        kv.beforeNext("mutate_in", () -> inAnotherThread(() -> store.update(s.token(),
                new Mutation.Patch(json("{\"AccountId\":\"" + next + "\"}"), Set.of()), true).orElseThrow()));
        Mutation keepOwner = new Mutation.Patch(json("{\"AccountId\":\"" + owner + "\",\"n\":2}"), Set.of(), true,
                Mutation.UNLIMITED);
        assertThrows(OwnerChangeForbiddenException.class, () -> store.update(s.token(), keepOwner, true));
        Session now = store.find(s.token(), false).orElseThrow();
        assertEquals(next, now.userId());
        assertEquals(next, now.data().path(Session.ACCOUNT_ID).asText());
        assertEquals(1, now.data().path("n").asInt());
    }

    private static void inAnotherThread(Runnable action) {
        try {
            runConcurrently(1, i -> {
                action.run();
                return null;
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readersDropStaleEntriesButNeverThoseOfAWriteInFlight() throws Exception {
        Collection collection = connection().collection();
        String owner = user();
        Session kept = stored(owner);
        Session deleted = stored(owner);
        assertTrue(store.delete(deleted.token()));
        // an insert in flight: its entry is written, its document not yet
        String inFlight = SessionDocument.key(Tokens.issue());
        new UserIndex(collection, clock).add(owner, new UserIndex.Entry(inFlight, clock.millis(),
                clock.millis() + 600_000, "iInFlight", clock.millis() + UserIndex.PENDING_MILLIS));

        assertEquals(List.of(kept.token()), tokens(store.findByUser(owner)));
        JsonNode entries = raw(collection, UserIndex.key(owner)).path("sessions");
        assertTrue(entries.has(inFlight) && entries.has(SessionDocument.key(deleted.token())),
                "within the pending time a missing document may still be written");

        advance(Duration.ofMillis(UserIndex.PENDING_MILLIS));
        KvOperationCounter kv = connection().kvOps();
        kv.take();
        assertEquals(List.of(kept.token()), tokens(store.findByUser(owner)));
        assertEquals(List.of("get", "get", "get", "get", "replace"), kv.take(), "the index, 3 entries, the drop");
        entries = raw(collection, UserIndex.key(owner)).path("sessions");
        assertEquals(List.of(SessionDocument.key(kept.token())), fieldNames(entries));
    }

    @Test
    void aRefusedInsertLeavesTheLiveSessionsEntryAsItWas() throws Exception {
        String owner = user();
        Session live = stored(owner);
        JsonNode before = raw(connection().collection(), UserIndex.key(owner)).path("sessions");
        Session clash = new Session(live.token(), owner, live.data(), clock.instant().plusMillis(5),
                clock.instant().plusSeconds(60), 60, false);
        assertFalse(store.insert(clash));
        JsonNode after = raw(connection().collection(), UserIndex.key(owner)).path("sessions");
        JsonNode entry = after.path(SessionDocument.key(live.token()));
        assertEquals(before.path(SessionDocument.key(live.token())).path("incarnation"), entry.path("incarnation"));
        assertEquals(live.createdAt().toEpochMilli(), entry.path("createdAt").asLong());
        assertEquals(1, store.deleteByUser(owner));
        assertTrue(store.findByUser(owner).isEmpty());
    }

    @Test
    void movingASessionToAnotherUserIndexesItThere() throws Exception {
        KvOperationCounter kv = connection().kvOps();
        Session s = stored(user());
        String next = user();
        kv.take();
        store.update(s.token(), new Mutation.Patch(json("{\"AccountId\":\"" + next + "\"}"), Set.of()), true);
        assertEquals(List.of("get", "get", "insert", "mutate_in"), kv.take());
        assertEquals(List.of(s.token()), tokens(store.findByUser(next)));
    }

    // ---- the document layout (the README's) ----

    @Test
    void documentLayout() throws Exception {
        Collection collection = connection().collection();
        String owner = user();
        Instant now = clock.instant();
        ObjectNode data = json("{\"AccountId\":\"" + owner + "\",\"a.b\":1.50,\"$x\":[null],\"\":\"e\",\"日\":{\"k\":true}}");
        Session s = new Session(Tokens.issue(), owner, data, now, now.plusSeconds(300), 300, true);
        assertTrue(store.insert(s));

        JsonNode doc = raw(collection, "session::" + SessionDocument.digest(s.token()));
        assertEquals("session", doc.path("type").asText());
        assertEquals(s.token(), doc.path("token").asText());
        assertEquals(owner, doc.path("userId").asText());
        assertEquals(now.toEpochMilli(), doc.path("createdAt").asLong());
        assertEquals(now.plusSeconds(300).toEpochMilli(), doc.path("expiresAt").asLong());
        assertEquals(300, doc.path("ttl").asLong());
        assertTrue(doc.path("sliding").asBoolean());
        assertEquals(now.plusSeconds(600).toEpochMilli(), doc.path("indexedUntil").asLong(), "expiry + one ttl");
        assertEquals(1, doc.path("incarnation").size());
        assertEquals(json("{\"AccountId\":\"" + owner + "\",\"a~002eb\":1.50,\"~0024x\":[null],\"~\":\"e\",\"~65e5\":{\"k\":true}}"),
                doc.path("data"));

        JsonNode index = raw(collection, "session-user::" + SessionDocument.digest(owner));
        assertEquals("session-user-index", index.path("type").asText());
        assertEquals(owner, index.path("userId").asText());
        JsonNode entry = index.path("sessions").path(SessionDocument.key(s.token()));
        assertEquals(now.plusSeconds(600).toEpochMilli(), entry.path("until").asLong());
        assertEquals(doc.path("incarnation").fieldNames().next(), entry.path("incarnation").asText());
        assertEquals(now.toEpochMilli(), entry.path("createdAt").asLong());
        assertEquals(now.toEpochMilli() + UserIndex.PENDING_MILLIS, entry.path("pendingUntil").asLong());
    }

    @Test
    void fieldNameEscapingRoundTrips() {
        for (String name : List.of("", "~", "~0041", "a.b", "`x`", "[0]", "$x", "plain_Name-1", "日本語 🎉", "\u0000")) {
            String escaped = SessionDocument.escape(name);
            assertTrue(escaped.matches("[A-Za-z0-9_~-]+"), escaped);
            assertEquals(name, SessionDocument.unescape(escaped));
        }
    }

    @Test
    void extremeNumbersRoundTripThroughEveryWrite() {
        String numbers = "{\"huge\":1e999999999,\"tiny\":-1E-999999999,\"long\":" + "9".repeat(900)
                + ",\"fraction\":0." + "3".repeat(900) + "0}";
        Instant now = clock.instant();
        Session s = new Session(Tokens.issue(), null, json(numbers), now, now.plusSeconds(60), 60, true);
        assertTrue(store.insert(s));
        assertEquals(json(numbers).toString(), store.find(s.token(), false).orElseThrow().data().toString());
        store.update(s.token(), new Mutation.Patch(json("{\"more\":" + numbers + "}"), Set.of()), true);
        ObjectNode expected = json(numbers);
        expected.set("more", json(numbers));
        assertEquals(expected.toString(), store.find(s.token(), false).orElseThrow().data().toString());
        store.update(s.token(), new Mutation.Replace(json(numbers)), true);
        assertEquals(json(numbers).toString(), store.find(s.token(), false).orElseThrow().data().toString());
    }

    /** Lone surrogates can reach the store (a request body may carry "\\ud800"); they are written as JSON escapes. */
    @Test
    void loneSurrogatesRoundTripThroughWholeDocumentWrites() {
        ObjectNode data = loneSurrogates();
        Instant now = clock.instant();
        Session s = new Session(Tokens.issue(), null, data, now, now.plusSeconds(60), 60, true);
        assertTrue(store.insert(s));
        assertEquals(data, store.find(s.token(), false).orElseThrow().data());
        ObjectNode replaced = loneSurrogates().put("\uD800\uD800", "\uDFFF");
        store.update(s.token(), new Mutation.Replace(replaced), true);
        assertEquals(replaced, store.find(s.token(), false).orElseThrow().data());
    }

    @Test
    void loneSurrogatesRoundTripThroughSubDocumentPatches() throws Exception {
        // CouchbaseMock re-encodes the whole document after a sub-document write with String.getBytes(),
        // which turns every lone surrogate into '?'; Couchbase Server keeps the bytes it was sent.
        assumeTrue(connection() != mockConnection, "CouchbaseMock corrupts lone surrogates on sub-document writes");
        Session s = new Session(Tokens.issue(), null, loneSurrogates(), clock.instant(), clock.instant().plusSeconds(60), 60, true);
        assertTrue(store.insert(s));
        Session patched = store.update(s.token(), new Mutation.Patch(json("{\"x\":\"\\ud800\"}"), Set.of("\uDC00")), true)
                .orElseThrow();
        ObjectNode expected = loneSurrogates().put("x", "\uD800");
        expected.remove("\uDC00");
        assertEquals(expected, patched.data());
        assertEquals(expected, store.find(s.token(), false).orElseThrow().data());
    }

    private static ObjectNode loneSurrogates() {
        return Json.MAPPER.createObjectNode().put("lone\uD800", "value\uDC00 and pair \uD83C\uDF89").put("\uDC00", "\uD800");
    }

    // ---- writes that a single sub-document request cannot carry ----

    @Test
    void patchOfMoreFieldsThanOneSubDocumentRequestHoldsIsWholeAndAtomic() {
        Session s = stored(user());
        ObjectNode set = Json.MAPPER.createObjectNode();
        for (int i = 0; i < 40; i++) {
            set.put("f" + i, i);
        }
        Session patched = store.update(s.token(), new Mutation.Patch(set, Set.of("n")), true).orElseThrow();
        ObjectNode expected = s.data().deepCopy().setAll(set);
        expected.remove("n");
        assertEquals(expected, patched.data());
        assertEquals(expected, store.find(s.token(), false).orElseThrow().data());
    }

    @Test
    void patchOfDeeplyNestedDataAndOfVeryLongFieldNames() throws Exception {
        KvOperationCounter kv = connection().kvOps();
        Session s = stored(user());
        // a field 31 levels deep: the deepest a request body may carry, 33 levels in the document
        String deep = "{\"d\":".repeat(Json.MAX_DEPTH - 2) + "{}" + "}".repeat(Json.MAX_DEPTH - 2);
        String longName = "n".repeat(2000);
        ObjectNode set = json("{\"deep\":" + deep + ",\"" + longName + "\":true}");
        kv.take();
        store.update(s.token(), new Mutation.Patch(set, Set.of()), true).orElseThrow();
        assertEquals(List.of("get", "replace"), kv.take(), "a path longer than Couchbase takes: the whole document");
        Session patched = store.update(s.token(), new Mutation.Patch(json("{\"after\":1}"), Set.of()), true).orElseThrow();
        // Couchbase Server refuses sub-document writes to documents over 32 levels: the store then
        // replaces the whole document (CouchbaseMock accepts the mutateIn).
        assertEquals(List.of("get", "mutate_in"), kv.take().subList(0, 2));
        ObjectNode expected = s.data().deepCopy().setAll(set);
        expected.put("after", 1);
        assertEquals(expected, patched.data());
        assertEquals(expected, store.find(s.token(), false).orElseThrow().data());
    }

    // ---- expiry as Couchbase sees it ----

    @Test
    void insertReplacesAnExpiredSessionCouchbaseStillHolds() throws Exception {
        Session old = session(user(), 10, true);
        assertTrue(store.insert(old));
        clock.advance(Duration.ofSeconds(11)); // the store's clock only: the document is still in Couchbase
        raw(connection().collection(), SessionDocument.key(old.token())); // throws when it is gone
        String next = user();
        Session again = new Session(old.token(), next, json("{\"AccountId\":\"" + next + "\"}"),
                clock.instant(), clock.instant().plusSeconds(60), 60, false);
        assertTrue(store.insert(again));
        assertEquals(next, store.find(old.token(), false).orElseThrow().userId());
        assertFalse(store.find(old.token(), false).orElseThrow().sliding());
    }

    @Test
    void couchbaseDropsExpiredDocumentsItself() throws Exception {
        assumeTrue(connection() == mockConnection, "needs a Couchbase whose clock the test can move");
        Session s = session(user(), 30, false);
        store.insert(s);
        advance(Duration.ofSeconds(32));
        String key = SessionDocument.key(s.token());
        Collection collection = connection().collection();
        assertThrows(DocumentNotFoundException.class, () -> collection.get(key));
        assertThrows(DocumentNotFoundException.class, () -> collection.get(UserIndex.key(s.userId())),
                "the index expires with its last entry");
    }

    @Test
    void theIndexFollowsASlidingSessionAcrossManyTtls() throws Exception {
        String owner = user();
        Session s = session(owner, 100, true);
        store.insert(s);
        for (int i = 0; i < 8; i++) {
            advance(Duration.ofSeconds(90));
            assertTrue(store.find(s.token(), true).isPresent(), "touch " + i);
        }
        assertEquals(List.of(s.token()), tokens(store.findByUser(owner)), "720 s after its index entry was first written");
        JsonNode entry = raw(connection().collection(), UserIndex.key(owner)).path("sessions")
                .path(SessionDocument.key(s.token()));
        assertTrue(entry.path("until").asLong() >= store.find(s.token(), false).orElseThrow().expiresAt().toEpochMilli());
    }

    @Test
    void indexWritesDropEntriesThatCanNoLongerBeLive() throws Exception {
        String owner = user();
        Session shortLived = session(owner, 10, false);
        store.insert(shortLived);
        Session deleted = stored(owner);
        store.delete(deleted.token());
        advance(Duration.ofSeconds(11));
        Session fresh = stored(owner);
        JsonNode sessions = raw(connection().collection(), UserIndex.key(owner)).path("sessions");
        assertFalse(sessions.has(SessionDocument.key(shortLived.token())), "expired entry dropped");
        assertTrue(sessions.has(SessionDocument.key(fresh.token())));
        assertEquals(List.of(fresh.token()), tokens(store.findByUser(owner)), "the deleted one's entry is skipped");
        assertEquals(1, store.deleteByUser(owner));
        JsonNode after = raw(connection().collection(), UserIndex.key(owner)).path("sessions");
        assertFalse(after.has(SessionDocument.key(fresh.token())), "revoke-all drops what it ended");
    }

    // ---- configuration ----

    @Test
    void opensFromTheServiceConfig() throws Exception {
        ObjectNode repository = json("{\"type\":\"couchbase\",\"couchbase\":{}}");
        ServiceConfig incomplete = TestConfigs.of(repository, TIMEOUT);
        ConfigException missing = assertThrows(ConfigException.class, () -> SessionStores.open(incomplete, clock));
        assertTrue(missing.getMessage().contains("COUCHBASE_CONNECTION_STRING"), missing.getMessage());
        ((ObjectNode) repository.path("couchbase")).put("connectionString", "couchbase://127.0.0.1:not-a-port")
                .put("username", "u").put("password", "p").put("bucket", "b");
        ServiceConfig malformed = TestConfigs.of(repository, TIMEOUT);
        assertThrows(ConfigException.class, () -> SessionStores.open(malformed, clock));

        if (connection() != mockConnection) {
            return; // against a real server: the settings below would be the mock's
        }
        ((ObjectNode) repository.path("couchbase")).put("connectionString", mock.connectionString())
                .put("username", CouchbaseMockServer.BUCKET).put("password", CouchbaseMockServer.PASSWORD)
                .put("bucket", CouchbaseMockServer.BUCKET);
        ServiceConfig config = TestConfigs.of(repository, TIMEOUT);
        try (SessionStore opened = SessionStores.open(config, clock)) {
            Session s = session(user(), 60, true);
            assertTrue(opened.insert(s));
            assertTrue(store.find(s.token(), false).isPresent(), "the same bucket as this test's store");
        }
    }

    // ---- helpers ----

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static JsonNode raw(Collection collection, String key) {
        return SessionDocument.parse(collection.get(key).contentAs(byte[].class));
    }
}
