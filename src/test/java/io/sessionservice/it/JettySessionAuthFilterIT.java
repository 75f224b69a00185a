package io.sessionservice.it;

/** SessionAuthFilter beside the service WAR in one embedded Jetty: see {@link AbstractSessionAuthFilterIT}. */
class JettySessionAuthFilterIT extends AbstractSessionAuthFilterIT {

    @Override
    protected EmbeddedContainer newContainer() {
        return new JettyContainer();
    }
}
