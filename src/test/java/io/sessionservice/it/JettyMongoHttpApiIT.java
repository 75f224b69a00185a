package io.sessionservice.it;

import de.bwaldvogel.mongo.MongoServer;
import io.sessionservice.store.mongo.PipelineUpdateBackend;

/**
 * The HTTP contract on embedded Jetty 12 (ee10) with the MongoDB store: the WAR's own driver talks
 * over TCP to mongo-java-server, which this test starts on 127.0.0.1, stops for the store-trouble
 * test and starts again on the same port. A 1 s store timeout keeps that test's eight 503s short.
 * (With MONGODB_URI set, the environment overrides the config, SPEC §7, and the WAR uses that
 * MongoDB: the store-trouble test is then skipped.)
 */
class JettyMongoHttpApiIT extends AbstractHttpApiIT {

    private MongoServer mongo;
    private int port;

    @Override
    protected EmbeddedContainer newContainer() {
        return new JettyContainer();
    }

    @Override
    protected String repositoryJson() {
        return "{\"type\":\"mongodb\",\"timeoutMs\":1000,\"mongodb\":{\"uri\":\"mongodb://127.0.0.1:" + port
                + "\",\"database\":\"session_service_it\"}}";
    }

    @Override
    protected void startStore() {
        mongo = PipelineUpdateBackend.serve(0);
        port = mongo.getLocalAddress().getPort();
    }

    @Override
    protected void stopStore() {
        if (mongo != null) {
            mongo.shutdownNow();
        }
    }

    @Override
    public boolean interruptStore() {
        if (System.getenv("MONGODB_URI") != null) {
            return false;
        }
        mongo.shutdownNow();
        return true;
    }

    @Override
    public void restoreStore() {
        mongo = PipelineUpdateBackend.serve(port); // the same port, empty: this fake keeps nothing across a restart
    }
}
