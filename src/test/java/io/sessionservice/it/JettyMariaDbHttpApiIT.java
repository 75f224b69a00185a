package io.sessionservice.it;

import io.sessionservice.store.jdbc.JdbcTestDatabase;

/**
 * The HTTP contract on embedded Jetty 12 with the JDBC store on the machine's MariaDB (127.0.0.1:3306, the
 * one {@code .ci/run} starts), in a table of this run's own, dropped at the end; the shared server is never
 * stopped.
 */
class JettyMariaDbHttpApiIT extends AbstractHttpApiIT {

    private final String table = JdbcTestDatabase.newTable("it_http_jetty_maria");

    @Override
    protected EmbeddedContainer newContainer() {
        return new JettyContainer();
    }

    @Override
    protected String repositoryJson() {
        return JdbcRepositories.json(JdbcTestDatabase.MARIADB.url(), JdbcTestDatabase.MARIADB.username(), table);
    }

    @Override
    protected void stopStore() throws Exception {
        JdbcTestDatabase.MARIADB.drop(table);
    }
}
