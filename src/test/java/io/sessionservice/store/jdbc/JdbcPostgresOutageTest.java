package io.sessionservice.store.jdbc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.SessionStore;
import io.sessionservice.store.SessionStores;
import io.sessionservice.store.StoreOutageContract;
import io.sessionservice.testing.PrivatePostgres;
import io.sessionservice.testing.TestConfigs;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * PostgreSQL going away under the JDBC store ({@link StoreOutageContract}), on a PostgreSQL of its own
 * ({@link PrivatePostgres}; never the machine's shared server): stopped at once (connections cut, like a
 * crash) and started again on the same data and port, or paused with SIGSTOP (connections accepted, nothing
 * answered), which only the store's timeouts end. The store is opened the way the service opens it, from a
 * {@code repository} section, and is never reopened.
 */
class JdbcPostgresOutageTest implements StoreOutageContract {

    private static final Duration TIMEOUT = Duration.ofMillis(1000);

    /** One cluster for the class: initdb costs seconds; each test starts it and stops it again. */
    private static PrivatePostgres postgres;

    @BeforeAll
    static void createTheCluster() throws Exception {
        postgres = PrivatePostgres.launch();
        postgres.stop(); // the port is this server's; startServer() starts it there
    }

    @AfterAll
    static void removeTheCluster() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @AfterEach
    void stopTheServer() throws Exception {
        postgres.stop();
    }

    @Override
    public Duration storeTimeout() {
        return TIMEOUT;
    }

    @Override
    public SessionStore openStore() {
        ObjectNode repository = JsonNodeFactory.instance.objectNode().put("type", "jdbc");
        repository.putObject("jdbc").put("url", postgres.jdbcUrl()).put("username", PrivatePostgres.USER)
                .put("poolSize", 4).put("table", "outage_sessions");
        return SessionStores.open(TestConfigs.of(repository, TIMEOUT), Clock.systemUTC());
    }

    @Override
    public void startServer() throws Exception {
        postgres.start(); // with the data it had: a restarted PostgreSQL keeps its committed rows
    }

    @Override
    public boolean stopServer() throws Exception {
        postgres.stop();
        return true;
    }

    @Override
    public boolean pauseServer() throws Exception {
        postgres.pause();
        return true;
    }

    @Override
    public void resumeServer() throws Exception {
        postgres.resume();
    }
}
