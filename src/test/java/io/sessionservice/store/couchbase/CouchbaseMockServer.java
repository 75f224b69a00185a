package io.sessionservice.store.couchbase;

import com.couchbase.mock.Bucket;
import com.couchbase.mock.BucketConfiguration;
import com.couchbase.mock.CouchbaseMock;
import com.couchbase.mock.Info;
import com.couchbase.mock.memcached.MemcachedServer;
import java.time.Duration;
import java.util.List;

/**
 * A one-node Couchbase cluster in the test JVM (CouchbaseMock) serving one bucket over real KV and
 * HTTP sockets. The HTTP port is always chosen by the OS (port 0): a clash there makes the mock call
 * System.exit. The KV port may be given: a clash there is an IOException.
 */
public final class CouchbaseMockServer implements AutoCloseable {

    public static final String BUCKET = "sessions";
    /** The mock's bucket user is the bucket's name, its password the bucket password. */
    public static final String PASSWORD = "mock-bucket-password";

    private final CouchbaseMock mock;
    private final Bucket bucket;

    public CouchbaseMockServer() throws Exception {
        this(0);
    }

    /** @param kvPort the KV port, 0 for one the OS chooses */
    CouchbaseMockServer(int kvPort) throws Exception {
        BucketConfiguration config = new BucketConfiguration();
        config.name = BUCKET;
        config.password = PASSWORD;
        config.type = Bucket.BucketType.COUCHBASE;
        config.hostname = "127.0.0.1";
        config.numNodes = 1;
        config.numReplicas = 0;
        config.numVBuckets = 64;
        config.bucketStartPort = kvPort;
        mock = new CouchbaseMock(0, List.of(config));
        mock.start();
        mock.waitForStartup();
        bucket = mock.getBuckets().get(BUCKET);
        for (MemcachedServer server : bucket.getServers()) {
            server.setCccpEnabled(true); // SDK 3 bootstraps through the KV connection (CCCP)
        }
    }

    public String connectionString() {
        return "couchbase://127.0.0.1:" + kvPort() + "=kv,127.0.0.1:" + mock.getHttpPort() + "=manager";
    }

    int kvPort() {
        return bucket.getServers()[0].getPort();
    }

    /** Moves the mock's clock (global to the JVM, forward only): documents expire as time passes. */
    static void timeTravel(Duration d) {
        Info.timeTravel(d.toSeconds());
    }

    /** The KV servers stop answering (requests are read but never served) until {@link #resume}. */
    public void suspend() {
        for (MemcachedServer server : bucket.getServers()) {
            server.shutdown();
        }
    }

    public void resume() {
        for (MemcachedServer server : bucket.getServers()) {
            server.startup();
        }
    }

    @Override
    public void close() {
        mock.stop();
    }
}
