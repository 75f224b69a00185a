package io.sessionservice.store.jdbc;

/** The JDBC store contract on an H2 file in a temporary directory, the embedded store that persists. */
class H2SessionStoreTest extends AbstractJdbcSessionStoreTest {

    @Override
    protected JdbcTestDatabase openDatabase() {
        return JdbcTestDatabase.h2File();
    }
}
