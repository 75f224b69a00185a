package io.sessionservice.store.mongo;

import static io.sessionservice.testing.TestSessions.newUser;
import static io.sessionservice.testing.TestSessions.parse;
import static io.sessionservice.testing.TestSessions.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.sessionservice.core.DataSize;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.OwnerChangeForbiddenException;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.SessionTooLargeException;
import io.sessionservice.core.Tokens;
import io.sessionservice.store.TestClock;
import io.sessionservice.testing.Concurrently;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Where the MongoDB store's bounds have risks of their own: the rules live in a filter and a
 * maintained {@code dataBytes} (so the count of commands, the exactness of that field under
 * concurrency, documents written before it existed), the cap is a find-then-delete after the insert,
 * and paging relies on the user index's order.
 */
interface MongoBoundsTests {

    SessionStore store();

    TestClock clock();

    MongoSessionStore mongo();

    AbstractMongoSessionStoreTest.CommandRecorder commands();

    default void assertCommands(List<String> expected, Runnable operation) {
        commands().clear();
        operation.run();
        assertEquals(expected, commands().names(), "commands sent");
    }

    @Test
    default void guardedUpdatesAreOneCommandAndPayOneReadOnlyOnAMiss() {
        String owner = newUser();
        Session s = insert(owner, "{\"n\":1}");
        List<String> one = List.of("findAndModify");
        List<String> missThenRead = List.of("findAndModify", "find");
        assertCommands(one, () -> update(s, new Mutation.Patch(parse("{\"n\":2}"), Set.of(), true, 1000)));
        assertCommands(one, () -> update(s, new Mutation.Patch(
                parse("{\"AccountId\":\"" + owner + "\"}"), Set.of(), true, 1000)));
        assertCommands(one, () -> update(s, new Mutation.Replace(parse("{\"m\":1}"), true, 1000)));
        assertCommands(missThenRead, () -> assertThrows(SessionTooLargeException.class, () -> update(s,
                new Mutation.Patch(parse("{\"big\":\"" + "x".repeat(100) + "\"}"), Set.of(), true, 50))));
        assertCommands(missThenRead, () -> assertThrows(OwnerChangeForbiddenException.class, () -> update(s,
                new Mutation.Patch(parse("{\"AccountId\":\"" + newUser() + "\"}"), Set.of(), true, 1000))));
        String unknown = Tokens.issue();
        assertCommands(missThenRead, () -> assertTrue(store().update(unknown,
                new Mutation.Patch(parse("{\"n\":2}"), Set.of(), true, 1000), true).isEmpty()));
        assertCommands(one, () -> assertTrue(store().update(unknown,
                new Mutation.Patch(parse("{\"n\":2}"), Set.of()), true).isEmpty()));
    }

    @Test
    default void insertWithAnOwnerPaysOneFindForTheCapAndOneDeleteOnlyPastIt() {
        String owner = newUser();
        Instant t = clock().instant();
        assertCommands(List.of("update", "find"), () -> assertTrue(store().insert(session(owner, t, 600), 2)));
        assertCommands(List.of("update", "find"), () -> assertTrue(store().insert(session(owner, t.plusMillis(1), 600), 2)));
        assertCommands(List.of("update", "find", "delete"),
                () -> assertTrue(store().insert(session(owner, t.plusMillis(2), 600), 2)));
        assertCommands(List.of("update"), () -> assertTrue(store().insert(session(null, t, 600), 2)));
        assertCommands(List.of("update"), () -> assertTrue(store().insert(session(owner, t.plusMillis(3), 600))));
    }

    /** Issue 13: a rotation is one findAndModify that rewrites the document's tokens, with or without grace, and a miss is that one command too. */
    @Test
    default void aRotationIsOneCommand() {
        String owner = newUser();
        Session s = insert(owner, "{\"n\":1}");
        assertCommands(List.of("findAndModify"), () -> store().rotate(s.token(),
                store().newTokenFor(s.token()), null).orElseThrow());
        Session graced = insert(owner, "{\"n\":1}");
        assertCommands(List.of("findAndModify"), () -> store().rotate(graced.token(),
                store().newTokenFor(graced.token()), clock().instant().plusSeconds(5)).orElseThrow());
        assertCommands(List.of("findAndModify"), () -> assertTrue(store().rotate(s.token(),
                store().newTokenFor(s.token()), null).isEmpty()));
    }

    @Test
    default void aPageIsOneFindInTheUserIndexOrderLimitedToWhatItNeeds() {
        String owner = newUser();
        Instant t = clock().instant();
        for (int i = 0; i < 5; i++) {
            assertTrue(store().insert(session(owner, t.minusMillis(i / 2), 600)));
        }
        assertCommands(List.of("find"), () -> assertEquals(1, store().findByUser(owner, PageStart.FIRST, 1).size()));
        BsonDocument latest = commands().sent().get(0);
        BsonDocument indexOrder = BsonDocument.parse("{\"createdAt\": -1, \"_id\": -1}");
        assertEquals(indexOrder, latest.getDocument("sort"));
        assertEquals(1, latest.getNumber("limit").intValue());
        assertTrue(latest.getDocument("filter").toJson().contains(owner), latest.toJson());

        // From a start: a range on createdAt, fetching skip + limit in index order.
        assertCommands(List.of("find"), () -> assertEquals(2,
                store().findByUser(owner, new PageStart(t.toEpochMilli(), 1), 2).size()));
        BsonDocument page = commands().sent().get(0);
        assertEquals(indexOrder, page.getDocument("sort"));
        assertEquals(3, page.getNumber("limit").intValue());
        assertTrue(page.getDocument("filter").toJson().contains("$lte"), page.toJson());

        Document index = mongo().collection().listIndexes().into(new ArrayList<>()).stream()
                .filter(i -> i.get("key", Document.class).containsKey(SessionDocuments.USER)).findFirst().orElseThrow();
        assertEquals(Document.parse("{\"userId\": 1, \"createdAt\": -1, \"_id\": -1}"), index.get("key", Document.class),
                "the sort is the user index's order after the equality on userId: a range scan, no sort stage");
    }

    @Test
    default void theCapHoldsUnderConcurrentInserts() throws Exception {
        String owner = newUser();
        Session other = insert(newUser(), "{}");
        Instant t = clock().instant();
        List<Session> made = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            made.add(session(owner, t.plusMillis(i), 600));
        }
        Concurrently.run(16, i -> assertTrue(store().insert(made.get(i), 3)));
        assertEquals(tokens(List.of(made.get(15), made.get(14), made.get(13))), tokens(store().findByUser(owner)));
        assertTrue(store().find(other.token(), false).isPresent());
    }

    @Test
    default void concurrentPatchesOfDistinctFieldsUnderALimitLoseNothingAndKeepDataBytesExact() throws Exception {
        Session s = insert(newUser(), "{}");
        Concurrently.run(16, i -> store().update(s.token(), new Mutation.Patch(
                parse("{\"f" + i + "\":\"" + "ü".repeat(i) + "\"}"), Set.of(), true, 10_000), true).orElseThrow());
        ObjectNode data = store().find(s.token(), false).orElseThrow().data();
        assertEquals(17, data.size(), data.toString());
        assertEquals(DataSize.of(data), dataBytes(s));
    }

    @Test
    default void aTokenOnlyWriteNeverUndoesAConcurrentKeyedOwnerMove() throws Exception {
        for (int round = 0; round < 20; round++) {
            String first = newUser();
            String next = newUser();
            Session s = insert(first, "{}");
            int n = round;
            Concurrently.run(2, i -> {
                if (i == 0) {
                    store().update(s.token(), new Mutation.Patch(parse("{\"AccountId\":\"" + next + "\"}"), Set.of()), true);
                } else {
                    try {
                        store().update(s.token(), new Mutation.Patch(parse("{\"AccountId\":\"" + first + "\",\"n\":" + n + "}"),
                                Set.of(), true, Mutation.UNLIMITED), true);
                    } catch (OwnerChangeForbiddenException refusedAfterTheMove) {
                        // the move came first: the token holder may not move it back
                    }
                }
            });
            Session after = store().find(s.token(), false).orElseThrow();
            assertEquals(next, after.userId(), "round " + round);
            assertEquals(next, after.data().path(Session.ACCOUNT_ID).textValue());
            assertEquals(List.of(s.token()), tokens(store().findByUser(next)));
        }
    }

    @Test
    default void aReplaceCountsTheAccountIdItKeeps() {
        String owner = newUser();
        Session s = insert(owner, "{\"n\":1}");
        ObjectNode replacement = parse("{\"m\":\"xyz\"}");
        long exact = DataSize.of(replacement) + DataSize.ofField(Session.ACCOUNT_ID, TextNode.valueOf(owner));
        assertThrows(SessionTooLargeException.class,
                () -> store().update(s.token(), new Mutation.Replace(replacement, true, exact - 1), true));
        Session replaced = store().update(s.token(), new Mutation.Replace(replacement, true, exact), true).orElseThrow();
        assertEquals(exact, DataSize.of(replaced.data()));
        assertEquals(exact, dataBytes(s));
    }

    @Test
    default void aDocumentStoredBeforeDataBytesExistedIsSizedFromItsData() {
        Session s = session(null, clock().instant(), 600);
        s = s.withData(parse("{\"a\":\"0123456789\"}"), null);
        Document legacy = SessionDocuments.toDocument(s);
        legacy.remove(SessionDocuments.DATA_BYTES);
        mongo().collection().insertOne(legacy);
        ObjectNode add = parse("{\"b\":\"0123456789\"}");
        long after = DataSize.of(s.data()) + DataSize.of(add); // 26: counting the old data as 0 would allow 20
        Session legacyRef = s;
        assertThrows(SessionTooLargeException.class,
                () -> store().update(legacyRef.token(), new Mutation.Patch(add, Set.of(), false, after - 6), true));
        store().update(s.token(), new Mutation.Patch(add, Set.of(), false, after), true).orElseThrow();
        assertEquals(after, dataBytes(s), "the first write stores the size");
    }

    // ---- helpers ----

    private long dataBytes(Session s) {
        Document raw = mongo().collection().find(new Document("_id", s.token())).first();
        return ((Number) raw.get(SessionDocuments.DATA_BYTES)).longValue();
    }

    private void update(Session s, Mutation m) {
        store().update(s.token(), m, true).orElseThrow();
    }

    private Session insert(String owner, String json) {
        Session s = session(owner, clock().instant(), 600).withData(withOwner(parse(json), owner), owner);
        assertTrue(store().insert(s));
        return s;
    }

    private static Session session(String owner, Instant created, long ttl) {
        return new Session(Tokens.issue(), owner, withOwner(parse("{}"), owner), created, created.plusSeconds(ttl), ttl, true);
    }

    private static ObjectNode withOwner(ObjectNode data, String owner) {
        if (owner != null) {
            data.put(Session.ACCOUNT_ID, owner);
        }
        return data;
    }
}
