package io.sessionservice.it;

/** The HTTP contract on embedded Jetty 12 (ee10) with the memory store. */
class JettyMemoryHttpApiIT extends AbstractHttpApiIT {

    JettyMemoryHttpApiIT() {
        super(ItStores.memory());
    }

    @Override
    protected EmbeddedContainer newContainer() {
        return new JettyContainer();
    }
}
