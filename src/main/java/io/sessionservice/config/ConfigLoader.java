package io.sessionservice.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and reads the config file, then applies the environment (SPEC §7). The file is the first of:
 * system property {@code session.config}, environment {@code SESSION_CONFIG}, the servlet context
 * parameter {@code session.config}, system property {@code session.config.default} (what
 * {@code mvn jetty:run} sets: the development file, used only when nothing else names one), the
 * default built into the jar (no key, memory store). Which one was used is logged (its path only).
 */
public final class ConfigLoader {

    public static final String PROPERTY = "session.config";
    public static final String ENV = "SESSION_CONFIG";
    /** The lowest-priority file, for a launcher's own default (pom.xml's jetty:run sets it). */
    public static final String DEFAULT_PROPERTY = "session.config.default";
    static final String BUILT_IN = "/io/sessionservice/default.json";

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    /** Where the config comes from: {@code path} null means the built-in default. */
    record Location(String path, String source) {
        @Override
        public String toString() {
            return path == null ? "the built-in default " + BUILT_IN : path + " (" + source + ")";
        }
    }

    /** Environment variable -> JSON path it overrides (under the config root). */
    private static final Map<String, String> OVERRIDES = Map.ofEntries(
            Map.entry("SESSION_STORE", "repository.type"),
            Map.entry("SESSION_EXPIRY_SEC", "sessionExpirySec"),
            Map.entry("SESSION_TOUCH_RESOLUTION_SEC", "touchResolutionSec"),
            Map.entry("SESSION_TOKENS_AT_REST", "tokens.atRest"),
            Map.entry("SESSION_AUDIT_ENABLED", "audit.enabled"),
            Map.entry("REDIS_URL", "repository.redis.url"),
            Map.entry("REDIS_CLUSTER_NODES", "repository.redis.clusterNodes"),
            Map.entry("MONGODB_URI", "repository.mongodb.uri"),
            Map.entry("MONGODB_DATABASE", "repository.mongodb.database"),
            Map.entry("COUCHBASE_CONNECTION_STRING", "repository.couchbase.connectionString"),
            Map.entry("COUCHBASE_USERNAME", "repository.couchbase.username"),
            Map.entry("COUCHBASE_PASSWORD", "repository.couchbase.password"),
            Map.entry("COUCHBASE_BUCKET", "repository.couchbase.bucket"),
            Map.entry("JDBC_URL", "repository.jdbc.url"),
            Map.entry("JDBC_USERNAME", "repository.jdbc.username"),
            Map.entry("JDBC_PASSWORD", "repository.jdbc.password"));

    private ConfigLoader() {
    }

    /** Loads with this process's system properties and environment. */
    public static ServiceConfig load(String contextParameter) {
        return load(System.getProperty(PROPERTY), System.getenv(), contextParameter, System.getProperty(DEFAULT_PROPERTY));
    }

    /**
     * Loads {@code location}: with {@code explicit}, that file (environment overrides still apply);
     * else as {@link #load(String)} with {@code location} as the context parameter.
     */
    public static ServiceConfig load(String location, boolean explicit) {
        return explicit ? load(location, System.getenv(), null, null) : load(location);
    }

    static ServiceConfig load(String property, Map<String, String> env, String contextParameter) {
        return load(property, env, contextParameter, null);
    }

    static ServiceConfig load(String property, Map<String, String> env, String contextParameter, String defaultProperty) {
        Location location = locate(property, env.get(ENV), contextParameter, defaultProperty);
        LOG.info("Config file: {}", location);
        ObjectNode root = location.path() == null ? readBuiltIn() : readFile(Path.of(location.path()));
        applyEnvironment(root, env);
        return ServiceConfig.from(root);
    }

    /** The first location named (blank names nothing), in the order of the class comment. */
    static Location locate(String property, String env, String contextParameter, String defaultProperty) {
        String[][] candidates = {
            {property, "system property " + PROPERTY},
            {env, "environment variable " + ENV},
            {contextParameter, "servlet context parameter " + PROPERTY},
            {defaultProperty, "system property " + DEFAULT_PROPERTY},
        };
        for (String[] c : candidates) {
            if (c[0] != null && !c[0].isBlank()) {
                return new Location(c[0].trim(), c[1]);
            }
        }
        return new Location(null, "built in");
    }

    static void applyEnvironment(ObjectNode root, Map<String, String> env) {
        OVERRIDES.forEach((variable, path) -> {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                String[] parts = path.split("\\.");
                ObjectNode parent = root;
                for (String part : Arrays.copyOf(parts, parts.length - 1)) {
                    parent = parent.with(part);
                }
                parent.put(parts[parts.length - 1], value.trim());
            }
        });
        String keys = env.get("SESSION_KEY");
        if (keys != null && !keys.isBlank()) {
            ObjectNode credentials = root.with("credentials");
            credentials.remove("key");
            var array = credentials.putArray("keys");
            Arrays.stream(keys.split(",")).map(String::trim).filter(k -> !k.isEmpty()).forEach(array::add);
        }
    }

    private static ObjectNode readFile(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return asObject(Json.MAPPER.readTree(in), path.toString());
        } catch (IOException e) {
            throw new ConfigException("Cannot read config file " + path + ": " + e.getMessage(), e);
        }
    }

    private static ObjectNode readBuiltIn() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new ConfigException("The built-in config " + BUILT_IN + " is missing from the jar");
            }
            return asObject(Json.MAPPER.readTree(in), BUILT_IN);
        } catch (IOException e) {
            throw new ConfigException("Cannot read the built-in config: " + e.getMessage(), e);
        }
    }

    private static ObjectNode asObject(JsonNode node, String where) {
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw new ConfigException("Config " + where + " must be a JSON object");
    }
}
