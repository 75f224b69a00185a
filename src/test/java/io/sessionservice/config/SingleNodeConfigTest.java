package io.sessionservice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.store.SessionStores;
import io.sessionservice.store.StoreOutageContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code config/single-node.json} (README: one instance that must keep its sessions across
 * restarts) loads as documented: the jdbc store on an H2 file, the key from SESSION_KEY, the file's place
 * from JDBC_URL; and the store it configures keeps a session across a close and a reopen.
 */
class SingleNodeConfigTest {

    private static final Path SHIPPED = Path.of("config/single-node.json");

    @TempDir
    Path dir;

    @Test
    void theShippedFileConfiguresTheJdbcStoreOnAnH2File() {
        ServiceConfig config = ConfigLoader.load(null,
                Map.of(ConfigLoader.ENV, SHIPPED.toString(), "SESSION_KEY", "single-node-key-0123456789"), null);
        assertEquals("jdbc", config.storeType());
        assertEquals("jdbc:h2:file:./data/sessions", config.jdbc().url());
        assertEquals("sessions", config.jdbc().table());
        assertEquals(java.util.List.of("single-node-key-0123456789"), config.keys());
    }

    @Test
    void withJdbcUrlItsStoreKeepsASessionAcrossAReopen() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("sessions");
        ServiceConfig config = ConfigLoader.load(null, Map.of(ConfigLoader.ENV, SHIPPED.toString(),
                "SESSION_KEY", "single-node-key-0123456789", "JDBC_URL", url), null);
        assertEquals(url, config.jdbc().url());
        Session s = StoreOutageContract.outageSession("u-" + UUID.randomUUID());
        try (SessionStore store = SessionStores.open(config, Clock.systemUTC())) {
            assertTrue(store.insert(s));
        }
        assertTrue(Files.exists(dir.resolve("sessions.mv.db")), "the H2 file is where JDBC_URL says");
        try (SessionStore store = SessionStores.open(config, Clock.systemUTC())) {
            Session found = store.find(s.token(), false).orElseThrow();
            assertEquals(s.data(), found.data());
            assertEquals(s.expiresAt().truncatedTo(ChronoUnit.MILLIS), found.expiresAt(), "to the millisecond, as stored");
        }
    }
}
