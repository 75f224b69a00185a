package io.sessionservice.store.couchbase;

import static io.sessionservice.testing.FreePorts.freePort;

import io.sessionservice.core.SessionStore;
import io.sessionservice.store.SessionStores;
import io.sessionservice.store.StoreOutageContract;
import io.sessionservice.testing.TestConfigs;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Couchbase going away ({@link StoreOutageContract}) on a CouchbaseMock of its own, which keeps nothing
 * across a restart; paused, its KV server reads requests and never answers them. The connection string
 * names only the KV port, which a restarted mock takes again (its HTTP port is never chosen, see
 * {@link CouchbaseMockServer}); the SDK reconnects by itself.
 */
class CouchbaseOutageTest implements StoreOutageContract {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private int kvPort;
    private CouchbaseMockServer mock;

    @BeforeEach
    void fixTheAddress() throws Exception {
        kvPort = freePort();
    }

    @AfterEach
    void stopTheServer() {
        if (mock != null) {
            mock.close();
        }
    }

    @Override
    public Duration storeTimeout() {
        return TIMEOUT;
    }

    @Override
    public SessionStore openStore() {
        TestConfigs config = TestConfigs.store("couchbase").timeout(TIMEOUT);
        config.section("couchbase").put("connectionString", "couchbase://127.0.0.1:" + kvPort + "=kv")
                .put("username", CouchbaseMockServer.BUCKET).put("password", CouchbaseMockServer.PASSWORD)
                .put("bucket", CouchbaseMockServer.BUCKET);
        return SessionStores.open(config.build(), Clock.systemUTC());
    }

    @Override
    public void startServer() throws Exception {
        mock = new CouchbaseMockServer(kvPort);
    }

    /**
     * Not here: a new mock on the same KV port is another node to the SDK (its node identity includes
     * the mock's HTTP port, which the OS chooses), so the SDK keeps asking the old one and never
     * recovers, where a restarted Couchbase node keeps its identity. Pausing covers the outage.
     */
    @Override
    public boolean stopServer() {
        return false;
    }

    @Override
    public boolean pauseServer() {
        mock.suspend();
        return true;
    }

    @Override
    public void resumeServer() {
        mock.resume();
    }
}
