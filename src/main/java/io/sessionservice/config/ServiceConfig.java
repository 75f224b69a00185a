package io.sessionservice.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.core.SessionLimits;
import io.sessionservice.core.SessionService;
import io.sessionservice.core.TokensAtRest;
import io.sessionservice.core.TouchResolution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of config/default.json, after environment overrides. {@code repository} keeps the
 * raw JSON; {@link #redis()}, {@link #mongo()} and {@link #couchbase()} read a store's section into
 * typed, validated settings (only the store in use is read, so another store's section may be incomplete).
 */
public record ServiceConfig(long sessionExpirySec, long maxTtlSec, List<String> keys, boolean userApiRequiresKey,
                            int maxBodyBytes, String storeType, Duration storeTimeout, ObjectNode repository,
                            SessionLimits limits, TouchResolution touchResolution, TokensAtRest tokensAtRest,
                            boolean auditEnabled) {

    /** A config that keeps tokens as they are and writes the audit log (the defaults). */
    public ServiceConfig(long sessionExpirySec, long maxTtlSec, List<String> keys, boolean userApiRequiresKey,
                         int maxBodyBytes, String storeType, Duration storeTimeout, ObjectNode repository,
                         SessionLimits limits, TouchResolution touchResolution) {
        this(sessionExpirySec, maxTtlSec, keys, userApiRequiresKey, maxBodyBytes, storeType, storeTimeout, repository,
                limits, touchResolution, TokensAtRest.PLAIN, true);
    }

    /** A config with the default touch resolution. */
    public ServiceConfig(long sessionExpirySec, long maxTtlSec, List<String> keys, boolean userApiRequiresKey,
                         int maxBodyBytes, String storeType, Duration storeTimeout, ObjectNode repository,
                         SessionLimits limits) {
        this(sessionExpirySec, maxTtlSec, keys, userApiRequiresKey, maxBodyBytes, storeType, storeTimeout, repository,
                limits, TouchResolution.DEFAULT);
    }

    /** A config with the default session limits. */
    public ServiceConfig(long sessionExpirySec, long maxTtlSec, List<String> keys, boolean userApiRequiresKey,
                         int maxBodyBytes, String storeType, Duration storeTimeout, ObjectNode repository) {
        this(sessionExpirySec, maxTtlSec, keys, userApiRequiresKey, maxBodyBytes, storeType, storeTimeout, repository,
                SessionLimits.DEFAULT);
    }

    public static final long DEFAULT_EXPIRY_SEC = 3600;
    public static final long DEFAULT_MAX_TTL_SEC = 30L * 86_400;
    public static final int DEFAULT_MAX_BODY_BYTES = 65_536;
    public static final long DEFAULT_TIMEOUT_MS = 2000;

    static ServiceConfig from(ObjectNode root) {
        long expiry = positiveLong(root, "sessionExpirySec", DEFAULT_EXPIRY_SEC);
        long maxTtl = positiveLong(root, "maxTtlSec", Math.max(DEFAULT_MAX_TTL_SEC, expiry));
        if (expiry > maxTtl) {
            throw new ConfigException("sessionExpirySec (" + expiry + ") is larger than maxTtlSec (" + maxTtl + ")");
        }
        long maxBody = positiveLong(root, "maxBodyBytes", DEFAULT_MAX_BODY_BYTES);
        if (maxBody > Integer.MAX_VALUE) {
            throw new ConfigException("maxBodyBytes is too large");
        }
        JsonNode userApi = root.path("userApi");
        boolean requireKey = !userApi.has("requireKey") || userApi.get("requireKey").asBoolean(true);
        ObjectNode repository = root.with("repository");
        String type = repository.path("type").asText("memory").trim();
        long timeoutMs = positiveLong(repository, "timeoutMs", DEFAULT_TIMEOUT_MS);
        long maxSessionBytes = positiveLong(root, "maxSessionBytes", SessionLimits.DEFAULT_MAX_SESSION_BYTES);
        long maxPerUser = positiveLong(root, "maxSessionsPerUser", SessionLimits.DEFAULT_MAX_SESSIONS_PER_USER);
        if (maxPerUser > 1_000_000) {
            throw new ConfigException("maxSessionsPerUser is too large (at most 1000000)");
        }
        long touchResolution = nonNegativeLong(root, "touchResolutionSec", TouchResolution.DEFAULT_SECONDS);
        if (touchResolution > TouchResolution.MAX_SECONDS) {
            throw new ConfigException("touchResolutionSec is too large (at most " + TouchResolution.MAX_SECONDS + ")");
        }
        long maxLifetime = nonNegativeLong(root, "maxLifetimeSec", SessionLimits.DEFAULT_MAX_LIFETIME_SEC);
        if (maxLifetime > SessionService.MAX_TTL_LIMIT_SECONDS) {
            throw new ConfigException("maxLifetimeSec is too large (at most " + SessionService.MAX_TTL_LIMIT_SECONDS + ")");
        }
        long grace = nonNegativeLong(root, "rotationGraceSec", SessionLimits.DEFAULT_ROTATION_GRACE_SEC);
        if (grace > SessionLimits.MAX_ROTATION_GRACE_SEC) {
            throw new ConfigException("rotationGraceSec is too large (at most " + SessionLimits.MAX_ROTATION_GRACE_SEC + ")");
        }
        return new ServiceConfig(expiry, maxTtl, keys(root.path("credentials")), requireKey, (int) maxBody,
                type.isEmpty() ? "memory" : type, Duration.ofMillis(timeoutMs), repository,
                new SessionLimits(maxSessionBytes, (int) maxPerUser, maxLifetime, grace),
                TouchResolution.ofSeconds(touchResolution),
                tokensAtRest(root.path("tokens").path("atRest")), flag(root.path("audit"), "enabled", true));
    }

    /** A copy with another {@code tokens.atRest}. */
    public ServiceConfig withTokensAtRest(TokensAtRest atRest) {
        return new ServiceConfig(sessionExpirySec, maxTtlSec, keys, userApiRequiresKey, maxBodyBytes, storeType,
                storeTimeout, repository, limits, touchResolution, atRest, auditEnabled);
    }

    private static TokensAtRest tokensAtRest(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return TokensAtRest.PLAIN;
        }
        try {
            return TokensAtRest.parse(v.isTextual() ? v.textValue() : v.toString());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** A boolean setting; environment overrides arrive as the strings "true" / "false". */
    private static boolean flag(JsonNode node, String field, boolean fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        String text = v.isTextual() ? v.textValue().trim() : "";
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ConfigException(field + " must be true or false, not " + v);
    }

    /** The memory store's cap on sessions held, {@code repository.memory.maxSessions}. */
    public long memoryMaxSessions(long fallback) {
        return positiveLong(repository.path("memory"), "maxSessions", fallback);
    }

    /** {@code repository.redis} with its defaults, validated here (ConfigException) rather than at start-up of others. */
    public RedisSettings redis() {
        return RedisSettings.from(storeSection("redis"), storeTimeout);
    }

    /** {@code repository.mongodb}, validated: it needs a URI. */
    public MongoSettings mongo() {
        return MongoSettings.from(storeSection("mongodb"), storeTimeout);
    }

    /** {@code repository.couchbase}, validated: it needs a connection string, credentials and a bucket. */
    public CouchbaseSettings couchbase() {
        return CouchbaseSettings.from(storeSection("couchbase"), storeTimeout);
    }

    /** {@code repository.jdbc}, validated: it needs a supported JDBC URL that persists. */
    public JdbcSettings jdbc() {
        return JdbcSettings.from(storeSection("jdbc"), storeTimeout);
    }

    /** The store's own section, e.g. {@code repository.redis}; empty when absent. */
    public JsonNode storeSection(String name) {
        return repository.path(name);
    }

    private static List<String> keys(JsonNode credentials) {
        List<String> keys = new ArrayList<>();
        String single = credentials.path("key").asText("");
        if (!single.isBlank()) {
            keys.add(single.trim());
        }
        for (JsonNode k : credentials.path("keys")) {
            if (!k.asText("").isBlank()) {
                keys.add(k.asText().trim());
            }
        }
        return List.copyOf(keys);
    }

    private static long nonNegativeLong(JsonNode node, String field, long fallback) {
        JsonNode v = node.get(field);
        boolean zero = v != null && (v.isIntegralNumber() ? v.asLong() == 0 : v.isTextual() && v.textValue().trim().equals("0"));
        return zero ? 0 : positiveLong(node, field, fallback);
    }

    static long positiveLong(JsonNode node, String field, long fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        // Environment overrides arrive as strings ("120"), so digit strings count as numbers.
        String text = v.isIntegralNumber() ? v.asText() : v.isTextual() ? v.textValue().trim() : "";
        if (text.matches("[0-9]{1,18}") && Long.parseLong(text) > 0) {
            return Long.parseLong(text);
        }
        throw new ConfigException(field + " must be a positive whole number, not " + v);
    }
}
