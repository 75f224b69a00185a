package io.sessionservice.it;

/**
 * The HTTP contract on embedded Jetty 12 (ee10) with the MongoDB store on mongo-java-server ({@link
 * ItStores#mongo}); the 1 s store timeout keeps the store-trouble test's 503s short.
 */
class JettyMongoHttpApiIT extends AbstractHttpApiIT {

    JettyMongoHttpApiIT() {
        super(ItStores.mongo(1000));
    }

    @Override
    protected EmbeddedContainer newContainer() {
        return new JettyContainer();
    }
}
