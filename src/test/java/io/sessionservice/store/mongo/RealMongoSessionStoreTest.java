package io.sessionservice.store.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import io.sessionservice.core.Tokens;
import java.time.Instant;
import java.util.UUID;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The same tests against a real MongoDB (4.2+): runs only when {@code MONGODB_URI} is set, in the
 * database {@code MONGODB_DATABASE} (default {@code session_service_test}), in a collection of its
 * own that it drops afterwards. Skipped (and reported as skipped) otherwise.
 */
@EnabledIfEnvironmentVariable(named = "MONGODB_URI", matches = ".+")
class RealMongoSessionStoreTest extends AbstractMongoSessionStoreTest {

    private static final String COLLECTION = "sessions_test_" + UUID.randomUUID().toString().substring(0, 8);

    @AfterAll
    static void dropCollection() {
        try (MongoClient client = MongoClients.create(System.getenv("MONGODB_URI"))) {
            client.getDatabase(database()).getCollection(COLLECTION).drop();
        }
    }

    private static String database() {
        String name = System.getenv("MONGODB_DATABASE");
        return name == null || name.isBlank() ? "session_service_test" : name;
    }

    @Override
    protected String uri() {
        return System.getenv("MONGODB_URI");
    }

    @Override
    protected String databaseName() {
        return database();
    }

    @Override
    protected String collectionName() {
        return COLLECTION;
    }

    /** The server's own plan of "latest session": the user index in its order, no sort, a few keys. */
    @Test
    void latestSessionIsAnIndexRangeScanThatReadsAFewKeysWhateverTheUserHolds() {
        String owner = user();
        Instant t = clock.instant();
        for (int i = 0; i < 300; i++) {
            Instant created = t.minusMillis(i);
            assertTrue(store.insert(new Session(Tokens.issue(), owner, json("{\"AccountId\":\"" + owner + "\"}"),
                    created, created.plusSeconds(600), 600, false)));
        }
        commands.clear();
        assertEquals(1, store.findByUser(owner, PageStart.FIRST, 1).size());
        BsonDocument find = commands.sent().get(0);
        BsonDocument query = new BsonDocument("find", new BsonString(collectionName()))
                .append("filter", find.getDocument("filter"))
                .append("sort", find.getDocument("sort"))
                .append("limit", find.get("limit"));
        Document explained;
        try (MongoClient client = MongoClients.create(uri())) {
            explained = client.getDatabase(databaseName())
                    .runCommand(new Document("explain", query).append("verbosity", "executionStats"));
        }
        String plan = explained.toJson();
        assertTrue(plan.contains("IXSCAN") && plan.contains("userId_1_createdAt_-1__id_-1"), plan);
        assertFalse(plan.contains("\"SORT\""), "no in-memory sort: " + plan);
        Document stats = explained.get("executionStats", Document.class);
        assertTrue(((Number) stats.get("totalKeysExamined")).longValue() <= 3, plan);
    }

    /** The server's own plan of a lookup by token: index probes (tokens, and _id for documents of earlier versions), no scan. */
    @Test
    void aLookupByTokenProbesTwoUniqueIndexesAndReadsOneDocument() {
        for (int i = 0; i < 300; i++) {
            stored(user());
        }
        Session s = stored(user());
        commands.clear();
        assertTrue(store.find(s.token(), false).isPresent());
        BsonDocument find = commands.sent().get(0);
        Document explained;
        try (MongoClient client = MongoClients.create(uri())) {
            explained = client.getDatabase(databaseName()).runCommand(new Document("explain",
                    new BsonDocument("find", new BsonString(collectionName())).append("filter", find.getDocument("filter")))
                    .append("verbosity", "executionStats"));
        }
        String plan = explained.toJson();
        assertTrue(plan.contains("tokens_1"), plan);
        assertFalse(plan.contains("COLLSCAN"), plan);
        Document stats = explained.get("executionStats", Document.class);
        assertTrue(((Number) stats.get("totalKeysExamined")).longValue() <= 4, plan);
        assertTrue(((Number) stats.get("totalDocsExamined")).longValue() <= 2, plan);
    }
}
