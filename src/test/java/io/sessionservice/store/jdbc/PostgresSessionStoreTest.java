package io.sessionservice.store.jdbc;

/** The JDBC store contract on the machine's PostgreSQL (127.0.0.1:5432, database test). */
class PostgresSessionStoreTest extends AbstractJdbcSessionStoreTest {

    @Override
    protected JdbcTestDatabase openDatabase() {
        return JdbcTestDatabase.POSTGRES;
    }
}
