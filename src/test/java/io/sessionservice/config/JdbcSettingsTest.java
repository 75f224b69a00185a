package io.sessionservice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionservice.testing.TestConfigs;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** repository.jdbc read into JdbcSettings: environment, defaults, and the URLs and names it refuses. */
class JdbcSettingsTest {

    @Test
    void theEnvironmentSelectsAndConfiguresTheJdbcStore() {
        ServiceConfig config = ConfigLoader.load(null, Map.of("SESSION_STORE", "jdbc",
                "JDBC_URL", "jdbc:postgresql://db:5432/app", "JDBC_USERNAME", "svc", "JDBC_PASSWORD", "hunter2"), null);
        assertEquals("jdbc", config.storeType());
        JdbcSettings jdbc = config.jdbc();
        assertEquals("jdbc:postgresql://db:5432/app", jdbc.url());
        assertEquals("svc", jdbc.username());
        assertEquals("hunter2", jdbc.password());
        assertEquals(config.storeTimeout(), jdbc.timeout());
        assertFalse(jdbc.toString().contains("hunter2"), jdbc.toString());
    }

    @Test
    void defaultsAndConfiguredValues() {
        JdbcSettings plain = jdbc(Map.of("url", "jdbc:h2:file:/var/lib/sessions/db"));
        assertEquals(JdbcSettings.DEFAULT_POOL_SIZE, plain.poolSize());
        assertEquals("sessions", plain.table());
        assertEquals(Duration.ofSeconds(60), plain.sweepInterval());
        assertEquals(1000, plain.sweepBatch());
        assertNull(plain.username());
        assertEquals(TestConfigs.TIMEOUT, plain.timeout());
        JdbcSettings set = jdbc(Map.of("url", "jdbc:mariadb://db/app", "poolSize", "4", "table", "app_sessions",
                "sweepIntervalSec", "5", "sweepBatch", "50"));
        assertEquals(4, set.poolSize());
        assertEquals("app_sessions", set.table());
        assertEquals(Duration.ofSeconds(5), set.sweepInterval());
        assertEquals(50, set.sweepBatch());
    }

    @Test
    void anInMemoryH2DatabaseIsRefusedBecauseItWouldNotPersist() {
        ConfigException e = assertThrows(ConfigException.class, () -> jdbc(Map.of("url", "jdbc:h2:mem:sessions")));
        assertTrue(e.getMessage().contains("jdbc:h2:file:"), e.getMessage());
    }

    @Test
    void refusesWhatTheStoreCannotUse() {
        ConfigException none = assertThrows(ConfigException.class, () -> TestConfigs.store("jdbc").build().jdbc());
        assertTrue(none.getMessage().contains("JDBC_URL"), none.getMessage());
        assertThrows(ConfigException.class, () -> jdbc(Map.of("url", "jdbc:sqlite:/tmp/x")));
        for (String table : new String[] {"sessions; DROP TABLE users", "1sessions", "my-sessions", "a".repeat(49)}) {
            assertThrows(ConfigException.class, () -> jdbc(Map.of("url", "jdbc:h2:file:/tmp/x", "table", table)), table);
        }
        assertThrows(ConfigException.class, () -> jdbc(Map.of("url", "jdbc:h2:file:/tmp/x", "poolSize", "0")));
        assertThrows(ConfigException.class, () -> jdbc(Map.of("url", "jdbc:h2:file:/tmp/x", "sweepBatch", "-1")));
    }

    private static JdbcSettings jdbc(Map<String, String> section) {
        TestConfigs config = TestConfigs.store("jdbc");
        section.forEach(config.section("jdbc")::put);
        return config.build().jdbc();
    }
}
