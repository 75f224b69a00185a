package io.sessionservice.store.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
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
}
