package io.sessionservice.store.jdbc;

/** The JDBC store contract on the machine's MariaDB (127.0.0.1:3306, database test). */
class MariaDbSessionStoreTest extends AbstractJdbcSessionStoreTest {

    @Override
    protected JdbcTestDatabase openDatabase() {
        return JdbcTestDatabase.MARIADB;
    }
}
