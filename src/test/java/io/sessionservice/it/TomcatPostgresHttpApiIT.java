package io.sessionservice.it;

import io.sessionservice.store.jdbc.JdbcTestDatabase;

/**
 * The HTTP contract on embedded Tomcat with the JDBC store on the machine's PostgreSQL (database
 * {@code test}), in a table of its own that is dropped afterwards: the lifetime cap and POST /rotate
 * (LifecycleApiTests) included. The shared PostgreSQL is never stopped, so the store-trouble test is
 * skipped here; {@code JdbcFailuresTest} covers a database that does not answer.
 */
class TomcatPostgresHttpApiIT extends AbstractHttpApiIT {

    private final String table = JdbcTestDatabase.newTable("sessions_it");

    @Override
    protected EmbeddedContainer newContainer() {
        return new TomcatContainer();
    }

    @Override
    protected String repositoryJson() {
        return "{\"type\":\"jdbc\",\"timeoutMs\":2000,\"jdbc\":{\"url\":\"" + JdbcTestDatabase.POSTGRES.url()
                + "\",\"username\":\"" + JdbcTestDatabase.POSTGRES.username() + "\",\"table\":\"" + table + "\"}}";
    }

    @Override
    protected void stopStore() {
        JdbcTestDatabase.POSTGRES.drop(table);
    }
}
