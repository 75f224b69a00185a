package io.sessionservice.it;

import io.sessionservice.store.couchbase.CouchbaseMockServer;

/**
 * The HTTP contract on embedded Jetty 12 (ee10) with the Couchbase store: the WAR's own SDK talks
 * over KV and HTTP to a CouchbaseMock that this test starts on ports the OS picks. For the
 * store-trouble test the mock's KV server stops answering (requests time out, as with a hung or
 * unreachable node) and then answers again on the same port. A 1 s store timeout keeps that test's
 * 503s short. (With COUCHBASE_CONNECTION_STRING set, the environment overrides the config, SPEC §7,
 * and the WAR uses that Couchbase: the store-trouble test is then skipped.)
 */
class JettyCouchbaseHttpApiIT extends AbstractHttpApiIT {

    private CouchbaseMockServer couchbase;

    @Override
    protected EmbeddedContainer newContainer() {
        return new JettyContainer();
    }

    @Override
    protected void startStore() throws Exception {
        couchbase = new CouchbaseMockServer();
    }

    @Override
    protected void stopStore() {
        if (couchbase != null) {
            couchbase.close();
        }
    }

    @Override
    protected String repositoryJson() {
        return "{\"type\":\"couchbase\",\"timeoutMs\":1000,\"couchbase\":{\"connectionString\":\""
                + couchbase.connectionString() + "\",\"username\":\"" + CouchbaseMockServer.BUCKET
                + "\",\"password\":\"" + CouchbaseMockServer.PASSWORD + "\",\"bucket\":\"" + CouchbaseMockServer.BUCKET + "\"}}";
    }

    @Override
    public boolean interruptStore() {
        if (System.getenv("COUCHBASE_CONNECTION_STRING") != null) {
            return false;
        }
        couchbase.suspend();
        return true;
    }

    @Override
    public void restoreStore() {
        couchbase.resume();
    }
}
