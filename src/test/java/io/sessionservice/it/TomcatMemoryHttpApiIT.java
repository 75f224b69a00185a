package io.sessionservice.it;

/** The HTTP contract on embedded Tomcat 10.1 with the memory store. */
class TomcatMemoryHttpApiIT extends AbstractHttpApiIT {

    @Override
    protected EmbeddedContainer newContainer() {
        return new TomcatContainer();
    }

    @Override
    protected String repositoryJson() {
        return "{\"type\":\"memory\",\"timeoutMs\":2000}";
    }
}
