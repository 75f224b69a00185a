package io.sessionservice.store.mongo;

import static io.sessionservice.store.StoreOutageContract.assertUnavailableWithin;
import static io.sessionservice.store.StoreOutageContract.outageSession;
import static io.sessionservice.testing.FreePorts.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import io.sessionservice.core.Session;
import io.sessionservice.store.SessionStores;
import io.sessionservice.store.StoreOutageContract;
import io.sessionservice.testing.TestConfigs;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MongoDB going away ({@link StoreOutageContract}) on a mongo-java-server of its own, which keeps
 * nothing across a restart; it cannot be paused. And MongoDB down at start-up: the store opens anyway
 * and creates its indexes once MongoDB answers.
 */
class MongoOutageTest implements StoreOutageContract {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private int port;
    private MongoServer server;

    @BeforeEach
    void fixTheAddress() throws Exception {
        port = freePort();
    }

    @AfterEach
    void stopTheServer() {
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Override
    public Duration storeTimeout() {
        return TIMEOUT;
    }

    @Override
    public MongoSessionStore openStore() {
        TestConfigs config = TestConfigs.store("mongodb").timeout(TIMEOUT);
        config.section("mongodb").put("uri", "mongodb://127.0.0.1:" + port).put("database", "outage");
        return SessionStores.mongo(config.build().mongo(), Clock.systemUTC());
    }

    @Override
    public void startServer() {
        server = PipelineUpdateBackend.serve(port);
    }

    @Override
    public boolean stopServer() {
        server.shutdownNow();
        server = null;
        return true;
    }

    @Test
    void theIndexesAreCreatedOnceMongoAnswers() throws Exception {
        try (MongoSessionStore store = openStore()) {
            assertUnavailableWithin(TIMEOUT, store::ping);
            startServer();
            Session s = outageSession("u-index");
            StoreOutageContract.eventually(() -> store.insert(s));
            assertEquals(1, store.collection().listIndexes().into(new ArrayList<>()).stream()
                    .filter(i -> i.get("expireAfterSeconds") instanceof Number n && n.longValue() == 0).count(),
                    "the TTL index was created once MongoDB answered");
            assertTrue(store.find(s.token(), false).isPresent());
        }
    }
}
