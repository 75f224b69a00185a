package io.sessionservice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionservice.testing.TestConfigs;
import org.junit.jupiter.api.Test;

/** repository.mongodb and repository.couchbase read into typed settings: defaults and refusals. */
class StoreSettingsTest {

    @Test
    void mongoDatabaseIsTheConfiguredOneElseTheUrisElseTheDefault() {
        assertEquals("configured", mongo("mongodb://db/fromuri", "configured").database());
        assertEquals("fromuri", mongo("mongodb://db/fromuri", null).database());
        MongoSettings plain = mongo("mongodb://db", null);
        assertEquals(MongoSettings.DEFAULT_DATABASE, plain.database());
        assertEquals(MongoSettings.DEFAULT_COLLECTION, plain.collection());
        assertEquals(TestConfigs.TIMEOUT, plain.timeout());
    }

    @Test
    void mongoNeedsAUsableUriAndDoesNotShowIt() {
        ConfigException none = assertThrows(ConfigException.class,
                () -> TestConfigs.store("mongodb").build().mongo());
        assertTrue(none.getMessage().contains("MONGODB_URI"), none.getMessage());
        assertThrows(ConfigException.class, () -> mongo("http://not-mongo", null));
        assertFalse(mongo("mongodb://u:hunter2@db", null).toString().contains("hunter2"));
    }

    @Test
    void couchbaseNamesTheFirstMissingSettingAndItsVariable() {
        TestConfigs config = TestConfigs.store("couchbase");
        config.section("couchbase").put("connectionString", "couchbase://cb").put("username", "u");
        ConfigException e = assertThrows(ConfigException.class, () -> config.build().couchbase());
        assertTrue(e.getMessage().contains("COUCHBASE_PASSWORD"), e.getMessage());
    }

    @Test
    void onlyTheStoreInUseIsRead() {
        // a memory store with an incomplete mongodb section still loads: settings are read when used
        TestConfigs config = TestConfigs.store("memory");
        config.section("mongodb").put("uri", "");
        assertEquals("memory", config.build().storeType());
    }

    private static MongoSettings mongo(String uri, String database) {
        TestConfigs config = TestConfigs.store("mongodb");
        config.section("mongodb").put("uri", uri);
        if (database != null) {
            config.section("mongodb").put("database", database);
        }
        return config.build().mongo();
    }
}
