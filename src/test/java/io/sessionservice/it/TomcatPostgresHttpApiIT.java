package io.sessionservice.it;

import io.sessionservice.store.jdbc.JdbcTestDatabase;

/**
 * The HTTP contract on embedded Tomcat 10.1 with the JDBC store on the machine's PostgreSQL
 * (127.0.0.1:5432, the one {@code .ci/run} starts), in a table of this run's own, dropped at the end.
 * PostgreSQL going away is {@code JdbcPostgresOutageTest}'s and {@code PostgresSharedByTwoInstancesIT}'s
 * (on servers of their own): this one is never stopped.
 */
class TomcatPostgresHttpApiIT extends AbstractHttpApiIT {

    private final String table = JdbcTestDatabase.newTable("it_http_tomcat_pg");

    @Override
    protected EmbeddedContainer newContainer() {
        return new TomcatContainer();
    }

    @Override
    protected String repositoryJson() {
        return JdbcRepositories.json(JdbcTestDatabase.POSTGRES.url(), JdbcTestDatabase.POSTGRES.username(), table);
    }

    @Override
    protected void stopStore() throws Exception {
        JdbcTestDatabase.POSTGRES.drop(table);
    }
}
