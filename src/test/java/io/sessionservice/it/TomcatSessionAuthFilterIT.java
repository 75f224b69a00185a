package io.sessionservice.it;

/** SessionAuthFilter beside the service WAR in one embedded Tomcat: see {@link AbstractSessionAuthFilterIT}. */
class TomcatSessionAuthFilterIT extends AbstractSessionAuthFilterIT {

    @Override
    protected EmbeddedContainer newContainer() {
        return new TomcatContainer();
    }
}
