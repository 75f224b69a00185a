package io.sessionservice.store.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionservice.testing.TestConfigs;
import io.sessionservice.config.MongoSettings;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import io.sessionservice.config.ConfigException;
import io.sessionservice.core.Json;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.store.SessionStores;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MongoDB store against mongo-java-server over TCP, in this JVM: always runs. It has no TTL
 * monitor, so every expiry the contract checks is the store's own {@code expiresAt > now} filter.
 */
class MongoSessionStoreTest extends AbstractMongoSessionStoreTest {

    private static MongoServer server;

    @BeforeAll
    static void startServer() {
        server = PipelineUpdateBackend.serve(0);
    }

    @AfterAll
    static void stopServer() {
        server.shutdownNow();
    }

    @Override
    protected String uri() {
        return uri(server.getLocalAddress().getPort());
    }

    @Override
    protected String databaseName() {
        return "session_service_test";
    }

    @Override
    protected String collectionName() {
        return MongoSettings.DEFAULT_COLLECTION;
    }

    private static String uri(int port) {
        return "mongodb://127.0.0.1:" + port;
    }


    @Test
    void sessionStoresOpensTheMongoStoreInTheConfiguredDatabase() {
        // database: repository.mongodb.database, else the URI's path, else session_service; collection: sessions
        assertStoredIn("configured", "/fromuri", "configured");
        assertStoredIn(null, "/fromuri", "fromuri");
        assertStoredIn(null, "", MongoSettings.DEFAULT_DATABASE);
    }

    private void assertStoredIn(String database, String uriPath, String expectedDatabase) {
        ObjectNode repository = Json.MAPPER.createObjectNode().put("type", "mongodb");
        ObjectNode mongodb = repository.putObject("mongodb").put("uri", uri() + uriPath);
        if (database != null) {
            mongodb.put("database", database);
        }
        Session s = session(user(), 60, true);
        try (SessionStore opened = SessionStores.open(TestConfigs.of(repository), clock)) {
            assertTrue(opened.insert(s));
        }
        try (MongoClient raw = MongoClients.create(uri())) {
            Document stored = raw.getDatabase(expectedDatabase).getCollection(MongoSettings.DEFAULT_COLLECTION)
                    .find(new Document("_id", s.token())).first();
            assertEquals(s.userId(), stored == null ? null : stored.getString("userId"), "stored in " + expectedDatabase);
        }
    }

    @Test
    void configWithoutAUsableUriIsRefused() {
        ObjectNode none = Json.MAPPER.createObjectNode().put("type", "mongodb");
        assertThrows(ConfigException.class, () -> SessionStores.open(TestConfigs.of(none), clock));
        ObjectNode bad = Json.MAPPER.createObjectNode().put("type", "mongodb");
        bad.putObject("mongodb").put("uri", "http://not-mongo");
        assertThrows(ConfigException.class, () -> SessionStores.open(TestConfigs.of(bad), clock));
    }

    @Test
    void everyWaitIsBoundedByTheStoreTimeoutUnlessTheUriSetsItsOwn() {
        MongoClientSettings plain = MongoSessionStore.settings(new ConnectionString("mongodb://db.example"),
                Duration.ofMillis(1500));
        assertEquals(1500, plain.getClusterSettings().getServerSelectionTimeout(TimeUnit.MILLISECONDS));
        assertEquals(1500, plain.getSocketSettings().getConnectTimeout(TimeUnit.MILLISECONDS));
        assertEquals(1500, plain.getSocketSettings().getReadTimeout(TimeUnit.MILLISECONDS));
        assertEquals(1500, plain.getConnectionPoolSettings().getMaxWaitTime(TimeUnit.MILLISECONDS));

        MongoClientSettings own = MongoSessionStore.settings(new ConnectionString(
                "mongodb://db.example/?serverSelectionTimeoutMS=700&socketTimeoutMS=900&appName=mine"), Duration.ofMillis(1500));
        assertEquals(700, own.getClusterSettings().getServerSelectionTimeout(TimeUnit.MILLISECONDS));
        assertEquals(900, own.getSocketSettings().getReadTimeout(TimeUnit.MILLISECONDS));
        assertEquals(1500, own.getSocketSettings().getConnectTimeout(TimeUnit.MILLISECONDS));
        assertEquals("mine", own.getApplicationName());
    }

    @Test
    void escapedNamesAreSafeForMongoAndDistinctAndReversible() {
        List<String> names = List.of("", "%", "%25", "%2E", ".", "a.b", "$x", "x$", "$", "\0", "%u", "%uD800",
                "\uD800", "\uDC00", "\uD83C\uDF89", "ü", "plain", "AccountId");
        Set<String> escaped = new HashSet<>();
        for (String name : names) {
            String e = SessionDocuments.escape(name);
            assertTrue(!e.isEmpty() && !e.contains(".") && !e.contains("$") && !e.contains("\0"), e);
            assertEquals(name, SessionDocuments.unescape(e));
            assertTrue(escaped.add(e), "two names escape to " + e);
        }
        assertEquals("AccountId", SessionDocuments.escape("AccountId"));
    }

}
