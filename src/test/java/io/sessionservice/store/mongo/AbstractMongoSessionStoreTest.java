package io.sessionservice.store.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import io.sessionservice.config.ServiceConfig;
import io.sessionservice.core.DataSize;
import io.sessionservice.core.Json;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.Session;
import io.sessionservice.core.Tokens;
import io.sessionservice.core.TouchResolution;
import io.sessionservice.store.SessionStoreContract;
import io.sessionservice.store.TestClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonDocument;
import io.sessionservice.store.TokensAtRestContract;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The store contract plus what is particular to MongoDB: one command per operation, the indexes,
 * the stored layout. Subclasses say which server: mongo-java-server in this JVM, or a real MongoDB.
 */
abstract class AbstractMongoSessionStoreTest extends SessionStoreContract implements MongoBoundsTests, MongoRotationTests,
        TokensAtRestContract {

    @Override
    public TestClock testClock() {
        return clock;
    }

    /** Every document of the collection, _id and fields, as the driver reads it. */
    @Override
    public String rawContent(String userId, List<String> storageKeys) {
        return mongo().collection().find().into(new ArrayList<>()).toString();
    }

    /** Names of the commands the store under test sent, in order. */
    protected final CommandRecorder commands = new CommandRecorder();

    protected abstract String uri();

    protected abstract String databaseName();

    protected abstract String collectionName();

    @Override
    protected MongoSessionStore openStore(TestClock clock, TouchResolution touch) {
        return openStore(clock, commands, touch);
    }

    protected MongoSessionStore openStore(Clock clock, CommandListener listener) {
        return openStore(clock, listener, TouchResolution.DEFAULT);
    }

    protected MongoSessionStore openStore(Clock clock, CommandListener listener, TouchResolution touch) {
        MongoClientSettings settings = MongoClientSettings.builder(MongoSessionStore.settings(
                        new ConnectionString(uri()), Duration.ofMillis(ServiceConfig.DEFAULT_TIMEOUT_MS)))
                .addCommandListener(listener)
                .build();
        return new MongoSessionStore(settings, databaseName(), collectionName(), touch, clock);
    }

    @Override
    public MongoSessionStore mongo() {
        return (MongoSessionStore) store;
    }

    @Override
    public CommandRecorder commands() {
        return commands;
    }

    @Test
    void everyOperationIsOneCommand() throws Exception {
        String owner = user();
        Session s = session(owner, 600, true);
        assertCommands("update", () -> assertTrue(store.insert(s)));
        assertCommands("update", () -> assertFalse(store.insert(s)));
        assertCommands("find", () -> assertTrue(store.find(s.token(), false).isPresent()));
        assertCommands("findAndModify", () -> assertTrue(store.find(s.token(), true).isPresent()));
        assertCommands("findAndModify", () -> assertTrue(store.update(s.token(),
                new Mutation.Patch(json("{\"a\":1}"), Set.of("n")), true).isPresent()));
        assertCommands("findAndModify", () -> assertTrue(store.update(s.token(),
                new Mutation.Replace(json("{\"AccountId\":\"" + owner + "\"}")), false).isPresent()));
        stored(owner);
        assertCommands("find", () -> assertEquals(2, store.findByUser(owner).size()));
        assertCommands("count", () -> assertTrue(store.liveCount().orElseThrow() >= 2));
        assertCommands("ping", store::ping);
        assertCommands("delete", () -> assertTrue(store.delete(s.token())));
        assertCommands("findAndModify", () -> assertTrue(store.find(s.token(), true).isEmpty()));
        assertCommands("delete", () -> assertEquals(1, store.deleteByUser(owner)));

        Session old = session(user(), 10, true);
        store.insert(old);
        advance(Duration.ofSeconds(11));
        Session reuse = new Session(old.token(), null, json("{}"), clock.instant(), clock.instant().plusSeconds(60), 60, true);
        assertCommands("update", () -> assertTrue(store.insert(reuse)));
    }

    /** A touch is one findAndModify whatever is due; within the resolution its pipeline leaves the document as it was. */
    @Test
    void aTouchWithinTheResolutionIsOneCommandThatChangesNothing() throws Exception {
        Session s = stored(user()); // ttl 600 s: resolution 6 s
        Document before = mongo().collection().find(new Document("_id", s.token())).first();
        advance(Duration.ofSeconds(6));
        assertCommands("findAndModify", () -> assertEquals(s.expiresAt(), store.find(s.token(), true).orElseThrow().expiresAt()));
        assertEquals(before, mongo().collection().find(new Document("_id", s.token())).first(), "the document changed");
        assertCommands("findAndModify", () -> assertEquals(s.expiresAt(), store.update(s.token(),
                new Mutation.Patch(json("{\"x\":1}"), Set.of()), true).orElseThrow().expiresAt()));
        advance(Duration.ofMillis(1));
        assertCommands("findAndModify", () -> assertEquals(clock.instant().plusSeconds(600),
                store.find(s.token(), true).orElseThrow().expiresAt()));
        assertEquals(Date.from(clock.instant().plusSeconds(600)),
                mongo().collection().find(new Document("_id", s.token())).first().getDate("expiresAt"));
    }

    @Test
    void ttlIndexAndUserIndexExistAndCreatingThemAgainChangesNothing() {
        List<Document> before = mongo().collection().listIndexes().into(new ArrayList<>());
        Document ttl = index(before, new Document(SessionDocuments.EXPIRES, 1));
        assertEquals(0L, ((Number) ttl.get("expireAfterSeconds")).longValue());
        index(before, new Document(SessionDocuments.USER, 1).append(SessionDocuments.CREATED, -1).append("_id", -1));
        Document tokens = index(before, new Document(SessionDocuments.TOKENS, 1));
        assertEquals(true, tokens.get("unique"), "no token in two documents");
        assertEquals(true, tokens.get("sparse"), "documents of earlier versions have no tokens");

        openStore(clock, new CommandRecorder()).close();
        List<Document> after = mongo().collection().listIndexes().into(new ArrayList<>());
        assertEquals(before.size(), after.size());
    }

    @Test
    void documentLayoutKeepsEachFieldAsEscapedNameAndExactJsonText() {
        String owner = user();
        ObjectNode data = json("{\"AccountId\":\"" + owner + "\",\"a.b\":{\"c\":1.50},\"$x\":123456789012345678901234567890,"
                + "\"\":\"empty\",\"100%\":[true,null]}");
        Instant now = clock.instant();
        Session s = new Session(Tokens.issue(), owner, data, now, now.plusSeconds(90), 90, false);
        store.insert(s);

        Document raw = mongo().collection().find(new Document("_id", s.token())).first();
        assertEquals(List.of(s.token()), raw.getList("tokens", String.class), "found by the token in tokens");
        assertEquals(owner, raw.getString("userId"));
        assertEquals(Date.from(now), raw.getDate("createdAt"));
        assertEquals(Date.from(now.plusSeconds(90)), raw.getDate("expiresAt"));
        assertEquals(90L, raw.get("ttl"));
        assertEquals(false, raw.get("sliding"));
        assertEquals(Map.of("AccountId", "\"" + owner + "\"", "a%2Eb", "{\"c\":1.50}",
                "%24x", "123456789012345678901234567890", "%", "\"empty\"", "100%25", "[true,null]"),
                Map.copyOf(raw.get("data", Document.class)));
        assertEquals(DataSize.of(data), ((Number) raw.get("dataBytes")).longValue(), "dataBytes is the data's size");

        store.update(s.token(), new Mutation.Replace(json("{\"only\":1,\"AccountId\":null}")), false);
        raw = mongo().collection().find(new Document("_id", s.token())).first();
        assertFalse(raw.containsKey("userId"), "a session without a string AccountId has no userId");
        assertEquals(Map.of("only", "1", "AccountId", "null"), Map.copyOf(raw.get("data", Document.class)));
        assertEquals(DataSize.of(json("{\"only\":1,\"AccountId\":null}")), ((Number) raw.get("dataBytes")).longValue());
    }

    @Test
    void loneSurrogatesInNamesAndValuesRoundTrip() {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("lone\uD800", "value\uDC00 and pair \uD83C\uDF89");
        data.put("\uDC00", "\uD800");
        Instant now = clock.instant();
        Session s = new Session(Tokens.issue(), null, data, now, now.plusSeconds(60), 60, true);
        store.insert(s);
        assertEquals(data, store.find(s.token(), false).orElseThrow().data());
        Session patched = store.update(s.token(), new Mutation.Patch(json("{\"x\":\"\\ud800\"}"), Set.of("\uDC00")), true)
                .orElseThrow();
        assertEquals("\uD800", patched.data().path("x").textValue());
        assertFalse(patched.data().has("\uDC00"));
    }

    @Test
    void numbersBeyondEveryBsonTypeRoundTrip() {
        ObjectNode data = json("{\"huge\":1e999999999,\"tiny\":-1E-999999999,\"long\":" + "9".repeat(900)
                + ",\"fraction\":0." + "3".repeat(900) + "0}");
        Instant now = clock.instant();
        Session s = new Session(Tokens.issue(), null, data, now, now.plusSeconds(60), 60, true);
        store.insert(s);
        assertEquals(data.toString(), store.find(s.token(), true).orElseThrow().data().toString());
    }

    @Test
    void accountIdIsStoredLiterallyEvenWhenItLooksLikeAnOperator() {
        String owner = "$" + user();
        Session s = stored(user());
        store.update(s.token(), new Mutation.Patch(json("{\"AccountId\":\"" + owner + "\"}"), Set.of()), true);
        assertEquals(List.of(s.token()), tokens(store.findByUser(owner)));
        Session replaced = store.update(s.token(), new Mutation.Replace(json("{\"AccountId\":\"" + owner + "x\"}")), true)
                .orElseThrow();
        assertEquals(owner + "x", replaced.userId());
        assertEquals(List.of(s.token()), tokens(store.findByUser(owner + "x")));
    }

    @Test
    void findByUserListsNewestFirst() throws Exception {
        String owner = user();
        Session first = stored(owner);
        advance(Duration.ofSeconds(1));
        Session second = stored(owner);
        assertEquals(List.of(second.token(), first.token()), tokens(store.findByUser(owner)));
    }

    @Test
    void emptyPatchWithoutTouchReadsOnly() {
        Session s = stored(user());
        assertCommands("find", () -> assertEquals(s.data(),
                store.update(s.token(), new Mutation.Patch(json("{}"), Set.of()), false).orElseThrow().data()));
        assertNull(store.find(Tokens.issue(), false).orElse(null));
    }

    // ---- helpers ----

    protected void assertCommands(String expected, Runnable operation) {
        assertCommands(List.of(expected), operation);
    }

    private static Document index(List<Document> indexes, Document key) {
        return indexes.stream().filter(i -> key.equals(i.get("key"))).findFirst()
                .orElseThrow(() -> new AssertionError("no index on " + key.toJson() + " in " + indexes));
    }

    /** Records every command a client sends, and its name (connection handshakes are not commands). */
    protected static final class CommandRecorder implements CommandListener {
        private final List<String> names = new CopyOnWriteArrayList<>();
        private final List<BsonDocument> sent = new CopyOnWriteArrayList<>();

        @Override
        public void commandStarted(CommandStartedEvent event) {
            names.add(event.getCommandName());
            sent.add(event.getCommand().clone()); // the event's document is only valid during the call
        }

        void clear() {
            names.clear();
            sent.clear();
        }

        List<String> names() {
            return List.copyOf(names);
        }

        List<BsonDocument> sent() {
            return List.copyOf(sent);
        }
    }
}
