package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

/** SessionAuthFilter beside the service WAR in one embedded Tomcat: see {@link AbstractSessionAuthFilterIT}. */
class TomcatSessionAuthFilterIT extends AbstractSessionAuthFilterIT {

    @Override
    protected EmbeddedContainer newContainer() {
        return new TomcatContainer();
    }

    /** Tomcat checks every stopped webapp for threads it started and left running (the filter's, say). */
    @Override
    protected void assertNothingLeftBehind(EmbeddedContainer closed) {
        assertEquals(List.of(), ((TomcatContainer) closed).leakWarnings(), "Tomcat's leak warnings at undeploy");
    }
}
