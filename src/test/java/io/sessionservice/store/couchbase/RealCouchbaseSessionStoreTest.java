package io.sessionservice.store.couchbase;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The same tests against a real Couchbase: runs when COUCHBASE_CONNECTION_STRING is set (with
 * COUCHBASE_USERNAME, COUCHBASE_PASSWORD and COUCHBASE_BUCKET naming an existing bucket), and is
 * reported as skipped otherwise. A real server's clock cannot be moved: time moves for the store
 * alone, which judges liveness by its own clock, so every test still holds; documents then stay in
 * Couchbase until their real expiry (at most a few minutes; every test uses fresh keys).
 */
@EnabledIfEnvironmentVariable(named = "COUCHBASE_CONNECTION_STRING", matches = ".+")
class RealCouchbaseSessionStoreTest extends CouchbaseSessionStoreTest {

    private static Connection real;

    @Override
    protected Connection connection() {
        synchronized (RealCouchbaseSessionStoreTest.class) {
            if (real == null) {
                real = Connection.open(System.getenv("COUCHBASE_CONNECTION_STRING"), env("COUCHBASE_USERNAME"),
                        env("COUCHBASE_PASSWORD"), env("COUCHBASE_BUCKET"));
            }
            return real;
        }
    }

    @Override
    protected void advance(Duration d) {
        clock.advance(d);
    }

    @AfterAll
    static void disconnect() {
        if (real != null) {
            real.cluster().disconnect();
            real = null;
        }
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " must be set with COUCHBASE_CONNECTION_STRING");
        }
        return value;
    }
}
