package io.sessionservice.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.testing.PrivatePostgres;

/**
 * {@link AbstractSharedStoreIT} on one PostgreSQL through the JDBC store: a PostgreSQL of the test's own
 * ({@link PrivatePostgres}), stopped at once and started again on the same data, so the sessions made before
 * the outage are still there after it.
 */
class PostgresSharedByTwoInstancesIT extends AbstractSharedStoreIT {

    private PrivatePostgres postgres;

    @Override
    protected void startServer() throws Exception {
        postgres = PrivatePostgres.launch();
    }

    @Override
    protected ObjectNode repository() {
        return JdbcRepositories.repository(postgres.jdbcUrl(), PrivatePostgres.USER, "sessions", 1000);
    }

    @Override
    protected void stopServer() throws Exception {
        postgres.stop();
    }

    @Override
    protected void restartServer() throws Exception {
        postgres.start();
    }

    @Override
    protected void closeServer() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    protected boolean keepsSessionsAcrossRestart() {
        return true;
    }
}
