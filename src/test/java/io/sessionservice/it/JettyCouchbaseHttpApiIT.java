package io.sessionservice.it;

/**
 * The HTTP contract on embedded Jetty 12 (ee10) with the Couchbase store on a CouchbaseMock ({@link
 * ItStores#couchbase}); the 1 s store timeout keeps the store-trouble test's 503s short.
 */
class JettyCouchbaseHttpApiIT extends AbstractHttpApiIT {

    JettyCouchbaseHttpApiIT() {
        super(ItStores.couchbase(1000));
    }

    @Override
    protected EmbeddedContainer newContainer() {
        return new JettyContainer();
    }
}
