package io.sessionservice.it;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The HTTP contract on embedded Jetty 12 with the JDBC store on an H2 file database (the embedded store that
 * persists) in a temporary directory of its own, opened by the webapp inside the container.
 */
class JettyH2HttpApiIT extends AbstractHttpApiIT {

    private Path dir;

    @Override
    protected EmbeddedContainer newContainer() {
        return new JettyContainer();
    }

    @Override
    protected void startStore() throws Exception {
        dir = Files.createTempDirectory("session-it-h2-");
    }

    @Override
    protected void stopStore() {
        TempFiles.deleteRecursively(dir);
    }

    @Override
    protected String repositoryJson() {
        return JdbcRepositories.json(JdbcRepositories.h2File(dir), null, "it_http_jetty_h2");
    }
}
