package io.sessionservice.store.couchbase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.Tokens;
import io.sessionservice.store.SessionStoreContract;
import io.sessionservice.store.SessionStores;
import io.sessionservice.store.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract and the Couchbase store's own promises (document layout, KV operations per
 * store operation, index upkeep) against CouchbaseMock in this JVM. {@link RealCouchbaseSessionStoreTest}
 * runs the same tests against a real Couchbase.
 */
class CouchbaseSessionStoreTest extends SessionStoreContract {

    static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** One connection per backend for the whole class: connecting costs about a second. */
    record Connection(Cluster cluster, Bucket bucket, Collection collection, KvOperationCounter kvOps) {

        static Connection open(String connectionString, String username, String password, String bucketName) {
            KvOperationCounter kvOps = new KvOperationCounter();
            Cluster cluster = CouchbaseSessionStore.cluster(connectionString,
                    PasswordAuthenticator.create(username, password), TIMEOUT, env -> env.requestTracer(kvOps));
            Bucket bucket = cluster.bucket(bucketName);
            bucket.waitUntilReady(Duration.ofSeconds(10));
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
    protected SessionStore openStore(TestClock clock) throws Exception {
        Connection c = connection();
        // The shared connection outlives each test's store.
        return new CouchbaseSessionStore(c.bucket(), c.collection(), clock, TIMEOUT, () -> { });
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
        assertEquals(List.of("get", "insert", "insert"), kv.take(), "create, the user's first session");
        Session b = session(owner, 600, false);
        store.insert(b);
        assertEquals(List.of("get", "replace", "insert"), kv.take(), "create, a further session");
        store.insert(session(null, 600, true));
        assertEquals(List.of("insert"), kv.take(), "create without owner");

        store.find(a.token(), false);
        assertEquals(List.of("get"), kv.take(), "validate");
        clock.advance(Duration.ofSeconds(1));
        store.find(a.token(), true);
        assertEquals(List.of("get", "mutate_in"), kv.take(), "sliding read");
        store.find(b.token(), true);
        assertEquals(List.of("get"), kv.take(), "read of an absolute session");

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
        ServiceConfig incomplete = new ServiceConfig(3600, 86400, List.of("k"), true, 65536, "couchbase", TIMEOUT, repository);
        ConfigException missing = assertThrows(ConfigException.class, () -> SessionStores.open(incomplete, clock));
        assertTrue(missing.getMessage().contains("COUCHBASE_CONNECTION_STRING"), missing.getMessage());
        ((ObjectNode) repository.path("couchbase")).put("connectionString", "couchbase://127.0.0.1:not-a-port")
                .put("username", "u").put("password", "p").put("bucket", "b");
        ServiceConfig malformed = new ServiceConfig(3600, 86400, List.of("k"), true, 65536, "couchbase", TIMEOUT, repository);
        assertThrows(ConfigException.class, () -> SessionStores.open(malformed, clock));

        if (connection() != mockConnection) {
            return; // against a real server: the settings below would be the mock's
        }
        ((ObjectNode) repository.path("couchbase")).put("connectionString", mock.connectionString())
                .put("username", CouchbaseMockServer.BUCKET).put("password", CouchbaseMockServer.PASSWORD)
                .put("bucket", CouchbaseMockServer.BUCKET);
        ServiceConfig config = new ServiceConfig(3600, 86400, List.of("k"), true, 65536, "couchbase", TIMEOUT, repository);
        try (SessionStore opened = SessionStores.open(config, clock)) {
            Session s = session(user(), 60, true);
            assertTrue(opened.insert(s));
            assertTrue(store.find(s.token(), false).isPresent(), "the same bucket as this test's store");
        }
    }

    // ---- helpers ----

    static JsonNode raw(Collection collection, String key) {
        return SessionDocument.parse(collection.get(key).contentAs(byte[].class));
    }
}
