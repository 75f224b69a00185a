package io.sessionservice.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC §7: where the config file is found, what the environment overrides, what is refused. */
class ConfigLoaderTest {

    private static final Map<String, String> NO_ENV = Map.of();

    @TempDir
    Path dir;

    private Path file(String name, String json) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, json, StandardCharsets.UTF_8);
        return p;
    }

    /** A config file whose sessionExpirySec tells which file was read. */
    private String marked(String name, long expiry) throws IOException {
        return file(name, "{\"sessionExpirySec\": " + expiry + ", \"credentials\": {\"key\": \"" + name + "\"}}")
                .toString();
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    // ---- tokens.atRest and audit.enabled ----

    @Test
    void tokensArePlainAndTheAuditOnUnlessConfigured() {
        ServiceConfig c = ConfigLoader.load(null, NO_ENV, null);
        assertEquals(io.sessionservice.core.TokensAtRest.PLAIN, c.tokensAtRest());
        assertTrue(c.auditEnabled());
    }

    @Test
    void tokensAtRestAndAuditComeFromTheFileAndTheEnvironmentOverridesThem() throws IOException {
        String f = file("c.json", "{\"tokens\": {\"atRest\": \"Hashed\"}, \"audit\": {\"enabled\": false}}").toString();
        ServiceConfig fromFile = ConfigLoader.load(f, NO_ENV, null);
        assertEquals(io.sessionservice.core.TokensAtRest.HASHED, fromFile.tokensAtRest());
        assertFalse(fromFile.auditEnabled());
        ServiceConfig overridden = ConfigLoader.load(f, env("SESSION_TOKENS_AT_REST", "plain",
                "SESSION_AUDIT_ENABLED", "true"), null);
        assertEquals(io.sessionservice.core.TokensAtRest.PLAIN, overridden.tokensAtRest());
        assertTrue(overridden.auditEnabled());
    }

    @Test
    void anUnknownTokensAtRestOrAuditValueIsAConfigError() throws IOException {
        String f = file("c.json", "{}").toString();
        ConfigException atRest = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(f, env("SESSION_TOKENS_AT_REST", "sha1"), null));
        assertTrue(atRest.getMessage().contains("tokens.atRest"), atRest.getMessage());
        assertThrows(ConfigException.class, () -> ConfigLoader.load(f, env("SESSION_AUDIT_ENABLED", "maybe"), null));
    }

    // ---- where the file is found ----

    @Test
    void systemPropertyWinsOverEverything() throws IOException {
        String property = marked("property", 101);
        String envFile = marked("env", 102);
        String context = marked("context", 103);
        ServiceConfig c = ConfigLoader.load(property, env(ConfigLoader.ENV, envFile), context);
        assertEquals(101, c.sessionExpirySec());
        assertEquals(List.of("property"), c.keys());
    }

    @Test
    void sessionConfigEnvironmentWinsOverContextParameter() throws IOException {
        String envFile = marked("env", 102);
        String context = marked("context", 103);
        assertEquals(102, ConfigLoader.load(null, env("SESSION_CONFIG", envFile), context).sessionExpirySec());
    }

    @Test
    void contextParameterIsUsedWhenNothingElseNamesAFile() throws IOException {
        String context = marked("context", 103);
        assertEquals(103, ConfigLoader.load(null, NO_ENV, context).sessionExpirySec());
    }

    @Test
    void blankLocationsFallThroughToTheNext() throws IOException {
        String envFile = marked("env", 102);
        String context = marked("context", 103);
        assertEquals(102, ConfigLoader.load("  ", env("SESSION_CONFIG", envFile), context).sessionExpirySec());
        assertEquals(103, ConfigLoader.load("", env("SESSION_CONFIG", " "), context).sessionExpirySec());
    }

    @Test
    void locationIsTrimmed() throws IOException {
        String context = marked("context", 103);
        assertEquals(103, ConfigLoader.load(null, NO_ENV, "\n    " + context + "\n  ").sessionExpirySec());
    }

    @Test
    void builtInDefaultHasNoKeyAndTheMemoryStore() {
        ServiceConfig c = ConfigLoader.load(null, NO_ENV, null);
        assertAll(
                () -> assertTrue(c.keys().isEmpty(), "no key: a WAR without one refuses to start"),
                () -> assertEquals("memory", c.storeType()),
                () -> assertEquals(3600, c.sessionExpirySec()),
                () -> assertEquals(30L * 86_400, c.maxTtlSec()),
                () -> assertEquals(65_536, c.maxBodyBytes()),
                () -> assertTrue(c.userApiRequiresKey()),
                () -> assertEquals(Duration.ofSeconds(2), c.storeTimeout()));
    }

    @Test
    void builtInDefaultTakesEnvironmentOverrides() {
        ServiceConfig c = ConfigLoader.load(null, env("SESSION_KEY", "k-from-env", "SESSION_STORE", "redis"), null);
        assertEquals(List.of("k-from-env"), c.keys());
        assertEquals("redis", c.storeType());
    }

    @Test
    void fileSettingsAreRead() throws IOException {
        String f = file("full.json", """
                {
                  "sessionExpirySec": 600,
                  "maxTtlSec": 86400,
                  "maxBodyBytes": 1024,
                  "credentials": {"key": "one", "keys": ["two", "three"]},
                  "userApi": {"requireKey": false},
                  "repository": {"type": "mongodb", "timeoutMs": 750, "mongodb": {"uri": "mongodb://db:27017"}}
                }""").toString();
        ServiceConfig c = ConfigLoader.load(f, NO_ENV, null);
        assertAll(
                () -> assertEquals(600, c.sessionExpirySec()),
                () -> assertEquals(86_400, c.maxTtlSec()),
                () -> assertEquals(1024, c.maxBodyBytes()),
                () -> assertEquals(List.of("one", "two", "three"), c.keys()),
                () -> assertFalse(c.userApiRequiresKey()),
                () -> assertEquals("mongodb", c.storeType()),
                () -> assertEquals(Duration.ofMillis(750), c.storeTimeout()),
                () -> assertEquals("mongodb://db:27017", c.storeSection("mongodb").path("uri").asText()));
    }

    @Test
    void missingSettingsTakeDefaults() throws IOException {
        ServiceConfig c = ConfigLoader.load(file("min.json", "{}").toString(), NO_ENV, null);
        assertEquals(ServiceConfig.DEFAULT_EXPIRY_SEC, c.sessionExpirySec());
        assertEquals(ServiceConfig.DEFAULT_MAX_TTL_SEC, c.maxTtlSec());
        assertEquals(ServiceConfig.DEFAULT_MAX_BODY_BYTES, c.maxBodyBytes());
        assertEquals("memory", c.storeType());
        assertTrue(c.keys().isEmpty());
        assertTrue(c.userApiRequiresKey());
        assertTrue(c.storeSection("redis").isMissingNode());
    }

    @Test
    void maxTtlDefaultsToAtLeastTheExpiry() throws IOException {
        ServiceConfig c = ConfigLoader.load(file("long.json", "{\"sessionExpirySec\": 5000000}").toString(), NO_ENV, null);
        assertEquals(5_000_000, c.sessionExpirySec());
        assertTrue(c.maxTtlSec() >= 5_000_000);
    }

    @Test
    void blankKeysAreNotKeys() throws IOException {
        ServiceConfig c = ConfigLoader.load(
                file("blank.json", "{\"credentials\": {\"key\": \"  \", \"keys\": [\"\", \" k \"]}}").toString(),
                NO_ENV, null);
        assertEquals(List.of("k"), c.keys());
    }

    // ---- environment overrides (exact names) ----

    @Test
    void sessionStoreOverridesTheRepositoryType() throws IOException {
        String f = file("c.json", "{\"repository\": {\"type\": \"mongodb\"}}").toString();
        assertEquals("couchbase", ConfigLoader.load(f, env("SESSION_STORE", "couchbase"), null).storeType());
        assertEquals("redis", ConfigLoader.load(f, env("SESSION_STORE", " redis "), null).storeType());
    }

    @Test
    void sessionKeyCommaSeparatedGivesSeveralKeysAndReplacesTheFilesKeys() throws IOException {
        String f = file("c.json", "{\"credentials\": {\"key\": \"file-key\", \"keys\": [\"file-key-2\"]}}").toString();
        ServiceConfig c = ConfigLoader.load(f, env("SESSION_KEY", "new-key, old-key ,,third"), null);
        assertEquals(List.of("new-key", "old-key", "third"), c.keys());
    }

    @Test
    void sessionKeyAlone() throws IOException {
        String f = file("c.json", "{}").toString();
        assertEquals(List.of("only"), ConfigLoader.load(f, env("SESSION_KEY", "only"), null).keys());
    }

    @Test
    void sessionExpirySecOverridesTheDefaultTtl() throws IOException {
        String f = file("c.json", "{\"sessionExpirySec\": 3600, \"maxTtlSec\": 86400}").toString();
        assertEquals(120, ConfigLoader.load(f, env("SESSION_EXPIRY_SEC", "120"), null).sessionExpirySec());
    }

    @Test
    void sessionExpirySecOverridesTheBuiltInDefault() {
        assertEquals(900, ConfigLoader.load(null, env("SESSION_EXPIRY_SEC", " 900 "), null).sessionExpirySec());
    }

    @Test
    void redisUrlAndClusterNodes() throws IOException {
        String f = file("c.json", "{\"repository\": {\"type\": \"redis\", \"redis\": {\"url\": \"redis://file:6379\"}}}")
                .toString();
        ServiceConfig c = ConfigLoader.load(f, env(
                "REDIS_URL", "redis://user:pass@cache:6380/2",
                "REDIS_CLUSTER_NODES", "10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:7002"), null);
        JsonNode redis = c.storeSection("redis");
        assertEquals("redis://user:pass@cache:6380/2", redis.path("url").asText());
        assertEquals(List.of("10.0.0.1:7000", "10.0.0.2:7001", "10.0.0.3:7002"), list(redis.path("clusterNodes")));
        RedisSettings typed = c.redis();
        assertTrue(typed.cluster());
        assertEquals(List.of("10.0.0.1:7000", "10.0.0.2:7001", "10.0.0.3:7002"), typed.clusterNodes());
        assertEquals("redis://user:pass@cache:6380/2", typed.url().toString());
    }

    @Test
    void mongodbUriAndDatabase() {
        ServiceConfig c = ConfigLoader.load(null, env(
                "SESSION_STORE", "mongodb",
                "MONGODB_URI", "mongodb://u:p@db1:27017,db2:27017/?replicaSet=rs0",
                "MONGODB_DATABASE", "sessions_prod"), null);
        assertEquals("mongodb", c.storeType());
        JsonNode mongo = c.storeSection("mongodb");
        assertEquals("mongodb://u:p@db1:27017,db2:27017/?replicaSet=rs0", mongo.path("uri").asText());
        assertEquals("sessions_prod", mongo.path("database").asText());
        assertEquals("sessions_prod", c.mongo().database());
        assertEquals(MongoSettings.DEFAULT_COLLECTION, c.mongo().collection());
    }

    @Test
    void couchbaseSettings() {
        ServiceConfig c = ConfigLoader.load(null, env(
                "SESSION_STORE", "couchbase",
                "COUCHBASE_CONNECTION_STRING", "couchbase://cb1,cb2",
                "COUCHBASE_USERNAME", "svc",
                "COUCHBASE_PASSWORD", "s3cret",
                "COUCHBASE_BUCKET", "sessions"), null);
        assertEquals("couchbase", c.storeType());
        JsonNode cb = c.storeSection("couchbase");
        assertEquals("couchbase://cb1,cb2", cb.path("connectionString").asText());
        assertEquals("svc", cb.path("username").asText());
        assertEquals("s3cret", cb.path("password").asText());
        assertEquals("sessions", cb.path("bucket").asText());
        CouchbaseSettings typed = c.couchbase();
        assertEquals(List.of("couchbase://cb1,cb2", "svc", "s3cret", "sessions", "_default", "_default"),
                List.of(typed.connectionString(), typed.username(), typed.password(), typed.bucket(), typed.scope(),
                        typed.collection()));
        assertFalse(typed.toString().contains("s3cret"), typed.toString());
    }

    @Test
    void environmentOverridesKeepTheFilesOtherStoreSettings() throws IOException {
        String f = file("c.json", """
                {"repository": {"type": "mongodb", "mongodb": {"uri": "mongodb://file", "collection": "s"}}}""")
                .toString();
        JsonNode mongo = ConfigLoader.load(f, env("MONGODB_URI", "mongodb://env"), null).storeSection("mongodb");
        assertEquals("mongodb://env", mongo.path("uri").asText());
        assertEquals("s", mongo.path("collection").asText());
    }

    @Test
    void blankOrAbsentVariablesOverrideNothing() throws IOException {
        String f = file("c.json", """
                {"sessionExpirySec": 600, "credentials": {"key": "file-key"},
                 "repository": {"type": "mongodb", "mongodb": {"uri": "mongodb://file"}}}""").toString();
        ServiceConfig c = ConfigLoader.load(f, env(
                "SESSION_STORE", "", "SESSION_KEY", "  ", "SESSION_EXPIRY_SEC", "", "MONGODB_URI", " "), null);
        assertEquals("mongodb", c.storeType());
        assertEquals(List.of("file-key"), c.keys());
        assertEquals(600, c.sessionExpirySec());
        assertEquals("mongodb://file", c.storeSection("mongodb").path("uri").asText());
    }

    @Test
    void unrelatedVariablesAreIgnored() throws IOException {
        String f = file("c.json", "{\"credentials\": {\"key\": \"k\"}}").toString();
        ServiceConfig c = ConfigLoader.load(f, env("SESSION_KEYS", "x", "session_store", "redis", "PATH", "/bin"), null);
        assertEquals(List.of("k"), c.keys());
        assertEquals("memory", c.storeType());
    }

    @Test
    void touchResolutionDefaultsTo60SecondsAndTakesZeroFromFileOrEnvironment() throws IOException {
        String none = file("t0.json", "{}").toString();
        assertEquals(60_000, ConfigLoader.load(none, NO_ENV, null).touchResolution().maxMillis());
        String zero = file("t1.json", "{\"touchResolutionSec\": 0}").toString();
        assertEquals(0, ConfigLoader.load(zero, NO_ENV, null).touchResolution().maxMillis());
        assertEquals(5_000, ConfigLoader.load(zero, env("SESSION_TOUCH_RESOLUTION_SEC", "5"), null)
                .touchResolution().maxMillis());
        assertEquals(0, ConfigLoader.load(none, env("SESSION_TOUCH_RESOLUTION_SEC", "0"), null)
                .touchResolution().maxMillis());
    }

    @Test
    void touchResolutionOutsideZeroToAnHourIsRefused() throws IOException {
        for (String value : List.of("-1", "3601", "1.5", "\"abc\"")) {
            String f = file("tr.json", "{\"touchResolutionSec\": " + value + "}").toString();
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, NO_ENV, null), value);
            assertTrue(e.getMessage().contains("touchResolutionSec"), e.getMessage());
        }
    }

    @Test
    void lifetimeCapDefaultsToSevenDaysAndRotationGraceToZero() throws IOException {
        var defaults = ConfigLoader.load(file("l0.json", "{}").toString(), NO_ENV, null).limits();
        assertEquals(604_800, defaults.maxLifetimeSec());
        assertEquals(0, defaults.rotationGraceSec());
        var set = ConfigLoader.load(file("l1.json", "{\"maxLifetimeSec\": 0, \"rotationGraceSec\": 30}").toString(),
                NO_ENV, null).limits();
        assertEquals(0, set.maxLifetimeSec(), "0 turns the cap off");
        assertEquals(30, set.rotationGraceSec());
    }

    @Test
    void lifetimeCapAndRotationGraceOutsideTheirRangesAreRefused() throws IOException {
        for (String setting : List.of("\"maxLifetimeSec\": -1", "\"maxLifetimeSec\": 3153600001",
                "\"rotationGraceSec\": 301", "\"rotationGraceSec\": \"abc\"")) {
            String f = file("lr.json", "{" + setting + "}").toString();
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, NO_ENV, null), setting);
            assertTrue(e.getMessage().contains(setting.substring(1, setting.indexOf('"', 1))), e.getMessage());
        }
    }

    // ---- refused configurations ----

    @Test
    void expiryLongerThanMaxTtlIsRefused() throws IOException {
        String f = file("c.json", "{\"sessionExpirySec\": 7200, \"maxTtlSec\": 3600}").toString();
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, NO_ENV, null));
        assertTrue(e.getMessage().contains("sessionExpirySec") && e.getMessage().contains("maxTtlSec"), e.getMessage());
    }

    @Test
    void expiryFromTheEnvironmentLongerThanMaxTtlIsRefused() throws IOException {
        String f = file("c.json", "{\"maxTtlSec\": 3600}").toString();
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(f, env("SESSION_EXPIRY_SEC", "7200"), null));
        assertTrue(e.getMessage().contains("maxTtlSec"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sessionExpirySec", "maxTtlSec", "maxBodyBytes"})
    void negativeOrZeroOrFractionalOrNonNumericSettingsAreRefused(String field) throws IOException {
        for (String value : List.of("-5", "0", "1.5", "\"abc\"", "true", "[]", "{}")) {
            String f = file(field + ".json", "{\"" + field + "\": " + value + "}").toString();
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, NO_ENV, null),
                    field + "=" + value);
            assertTrue(e.getMessage().contains(field), e.getMessage());
            assertTrue(e.getMessage().contains("positive whole number"), e.getMessage());
        }
    }

    @Test
    void negativeStoreTimeoutIsRefused() throws IOException {
        String f = file("c.json", "{\"repository\": {\"type\": \"memory\", \"timeoutMs\": -1}}").toString();
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, NO_ENV, null));
        assertTrue(e.getMessage().contains("timeoutMs"), e.getMessage());
    }

    @Test
    void hugeBodyLimitIsRefused() throws IOException {
        String f = file("c.json", "{\"maxBodyBytes\": 4294967296}").toString();
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, NO_ENV, null));
        assertTrue(e.getMessage().contains("maxBodyBytes"), e.getMessage());
    }

    @Test
    void nonNumericExpiryFromTheEnvironmentIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, env("SESSION_EXPIRY_SEC", "an hour"), null));
        assertTrue(e.getMessage().contains("sessionExpirySec"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"sessionExpirySec\": 1}]", "42", "\"config\"", "null", "true", "", "   "})
    void fileThatIsNotAJsonObjectIsRefused(String content) throws IOException {
        String f = file("not-object.json", content).toString();
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, NO_ENV, null));
        assertTrue(e.getMessage().contains("must be a JSON object"), e.getMessage());
        assertTrue(e.getMessage().contains(f), "names the file: " + e.getMessage());
    }

    @Test
    void fileThatIsNotJsonIsRefused() throws IOException {
        String f = file("broken.json", "{\"sessionExpirySec\": 3600,").toString();
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, NO_ENV, null));
        assertTrue(e.getMessage().contains(f), "names the file: " + e.getMessage());
    }

    @Test
    void missingFileIsRefusedNamingIt() {
        String missing = dir.resolve("nowhere/config.json").toString();
        for (var load : List.<Runnable>of(
                () -> ConfigLoader.load(missing, NO_ENV, null),
                () -> ConfigLoader.load(null, env("SESSION_CONFIG", missing), null),
                () -> ConfigLoader.load(null, NO_ENV, missing))) {
            ConfigException e = assertThrows(ConfigException.class, load::run);
            assertTrue(e.getMessage().contains(missing), "names the file: " + e.getMessage());
            assertTrue(e.getMessage().startsWith("Cannot read config file"), e.getMessage());
        }
    }

    @Test
    void directoryInsteadOfFileIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.toString(), NO_ENV, null));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }

    /** A list setting given either as a JSON array or as one comma-separated string. */
    private static List<String> list(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (node.isTextual()) {
            Arrays.stream(node.asText().split(",")).map(String::trim).forEach(out::add);
        }
        return out;
    }
}
