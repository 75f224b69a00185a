package io.sessionservice.it;

/** The fuzz run on embedded Tomcat 10.1 with the memory store. */
class TomcatMemoryFuzzIT extends AbstractFuzzIT {

    TomcatMemoryFuzzIT() {
        super(ItStores.memory());
    }

    @Override
    protected EmbeddedContainer newContainer() {
        return new TomcatContainer();
    }
}
