package io.sessionservice.it;

/** The HTTP contract on embedded Tomcat 10.1 with the memory store. */
class TomcatMemoryHttpApiIT extends AbstractHttpApiIT {

    TomcatMemoryHttpApiIT() {
        super(ItStores.memory());
    }

    @Override
    protected EmbeddedContainer newContainer() {
        return new TomcatContainer();
    }
}
