package io.sessionservice.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@code repository.redis}, validated: {@code clusterNodes} (host:port,..., REDIS_CLUSTER_NODES) selects
 * Redis Cluster, else {@code url} (REDIS_URL, default redis://127.0.0.1:6379); {@code keyPrefix},
 * {@code poolSize}, {@code clientName}, and {@code user}/{@code password} for Cluster (standalone takes
 * them from the URL). {@code timeout} is {@code repository.timeoutMs}.
 *
 * @param clusterNodes the Cluster seeds; empty for standalone Redis
 * @param localCache   {@code repository.redis.localCache}: how many sessions each process keeps read, kept
 *                     valid by Redis's invalidation messages (0 = no local cache)
 */
public record RedisSettings(URI url, List<String> clusterNodes, String keyPrefix, int poolSize, String clientName,
                            String user, String password, Duration timeout, int localCache) {

    public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
    public static final String DEFAULT_PREFIX = "session-service:";
    public static final int DEFAULT_POOL_SIZE = 32;
    public static final int DEFAULT_LOCAL_CACHE = 10_000;
    public static final int MAX_LOCAL_CACHE = 10_000_000;

    public RedisSettings {
        if (keyPrefix.contains("{") || keyPrefix.contains("}")) {
            throw new ConfigException("repository.redis.keyPrefix must not contain '{' or '}' (a hash tag "
                    + "would put every key in one Cluster slot)");
        }
        if (poolSize < 1) {
            throw new ConfigException("repository.redis.poolSize must be a positive whole number");
        }
        if (localCache < 0 || localCache > MAX_LOCAL_CACHE) {
            throw new ConfigException("repository.redis.localCache must be 0 (off) .. " + MAX_LOCAL_CACHE + " sessions");
        }
        clusterNodes = List.copyOf(clusterNodes);
        clusterNodes.forEach(RedisSettings::checkNode);
    }

    public boolean cluster() {
        return !clusterNodes.isEmpty();
    }

    static RedisSettings from(JsonNode section, Duration timeout) {
        String nodes = section.path("clusterNodes").asText("").trim();
        List<String> seeds = Arrays.stream(nodes.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        return new RedisSettings(redisUri(section.path("url").asText(DEFAULT_URL).trim()), seeds,
                section.path("keyPrefix").asText(DEFAULT_PREFIX), section.path("poolSize").asInt(DEFAULT_POOL_SIZE),
                section.path("clientName").asText("session-service"), textOrNull(section, "user"),
                textOrNull(section, "password"), timeout, localCache(section.path("localCache")));
    }

    private static int localCache(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return DEFAULT_LOCAL_CACHE;
        }
        if (!node.canConvertToExactIntegral() || !node.canConvertToInt()) {
            throw new ConfigException("repository.redis.localCache must be a whole number of sessions (0 = off)");
        }
        return node.asInt();
    }

    /** redis:// or rediss:// with a host and a port (what Jedis accepts). */
    private static URI redisUri(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (("redis".equals(scheme) || "rediss".equals(scheme)) && uri.getHost() != null
                    && !uri.getHost().isEmpty() && uri.getPort() != -1) {
                return uri;
            }
        } catch (URISyntaxException | RuntimeException e) {
            // reported below, without echoing the URL: it may hold a password
        }
        throw new ConfigException("REDIS_URL / repository.redis.url must be redis://[user:pass@]host:port[/db]");
    }

    private static void checkNode(String node) {
        int colon = node.lastIndexOf(':');
        if (colon < 1 || !node.substring(colon + 1).matches("[0-9]{1,5}")) {
            throw new ConfigException("REDIS_CLUSTER_NODES must be host:port,host:port,... (got '" + node + "')");
        }
    }

    private static String textOrNull(JsonNode section, String field) {
        String v = section.path(field).asText("");
        return v.isEmpty() ? null : v;
    }

    @Override
    public String toString() { // no password, whichever way it came
        return "RedisSettings[cluster=" + cluster() + ", keyPrefix=" + keyPrefix + ", poolSize=" + poolSize + ", localCache=" + localCache + "]";
    }
}
