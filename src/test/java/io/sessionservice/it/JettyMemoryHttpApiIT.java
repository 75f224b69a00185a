package io.sessionservice.it;

/** The HTTP contract on embedded Jetty 12 (ee10) with the memory store. */
class JettyMemoryHttpApiIT extends AbstractHttpApiIT {

    @Override
    protected EmbeddedContainer newContainer() {
        return new JettyContainer();
    }

    @Override
    protected String repositoryJson() {
        return "{\"type\":\"memory\",\"timeoutMs\":2000}";
    }
}
