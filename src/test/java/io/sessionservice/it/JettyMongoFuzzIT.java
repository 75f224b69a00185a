package io.sessionservice.it;

/** The fuzz run on embedded Jetty 12 with the MongoDB store on mongo-java-server ({@link ItStores#mongo}). */
class JettyMongoFuzzIT extends AbstractFuzzIT {

    JettyMongoFuzzIT() {
        super(ItStores.mongo(2000));
    }

    @Override
    protected EmbeddedContainer newContainer() {
        return new JettyContainer();
    }
}
