package io.sessionservice.it;

/** The fuzz run on embedded Tomcat 10.1 with the memory store. */
class TomcatMemoryFuzzIT extends AbstractFuzzIT {

    @Override
    protected EmbeddedContainer newContainer() {
        return new TomcatContainer();
    }

    @Override
    protected String repositoryJson() {
        return "{\"type\":\"memory\",\"timeoutMs\":2000}";
    }
}
