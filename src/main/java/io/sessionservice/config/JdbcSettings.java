package io.sessionservice.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code repository.jdbc}, validated: {@code url} (JDBC_URL, required: {@code jdbc:postgresql:},
 * {@code jdbc:mariadb:} or {@code jdbc:h2:} other than {@code jdbc:h2:mem:}), {@code username}
 * (JDBC_USERNAME), {@code password} (JDBC_PASSWORD), {@code poolSize} (default 10), {@code table}
 * (default sessions, a plain SQL identifier), {@code sweepIntervalSec} (default 60) and
 * {@code sweepBatch} (rows per delete of the expired-row sweeper, default 1000). {@code timeout} is
 * {@code repository.timeoutMs}.
 */
public record JdbcSettings(String url, String username, String password, int poolSize, String table,
                           Duration timeout, Duration sweepInterval, int sweepBatch) {

    public static final int DEFAULT_POOL_SIZE = 10;
    public static final String DEFAULT_TABLE = "sessions";
    public static final long DEFAULT_SWEEP_INTERVAL_SEC = 60;
    public static final int DEFAULT_SWEEP_BATCH = 1000;
    /** The URL prefixes of the databases the store is tested on. */
    public static final List<String> SUPPORTED_PREFIXES = List.of("jdbc:postgresql:", "jdbc:mariadb:", "jdbc:h2:");

    public JdbcSettings {
        String lower = url == null ? "" : url.toLowerCase(Locale.ROOT);
        if (SUPPORTED_PREFIXES.stream().noneMatch(lower::startsWith)) {
            throw new ConfigException("repository.jdbc.url (JDBC_URL) must start with one of " + SUPPORTED_PREFIXES);
        }
        if (lower.startsWith("jdbc:h2:mem:")) {
            throw new ConfigException("repository.jdbc.url names an in-memory H2 database, which loses every session "
                    + "when the service stops: use jdbc:h2:file:/path/to/sessions (or the memory store)");
        }
        if (table == null || !table.matches("[A-Za-z_][A-Za-z0-9_]{0,47}")) {
            throw new ConfigException("repository.jdbc.table must be a plain SQL identifier (letters, digits, _; "
                    + "at most 48), not " + table);
        }
        if (poolSize < 1 || sweepBatch < 1 || sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new ConfigException("repository.jdbc.poolSize, sweepIntervalSec and sweepBatch must be positive");
        }
    }

    static JdbcSettings from(JsonNode section, Duration timeout) {
        String url = section.path("url").asText("").trim();
        if (url.isEmpty()) {
            throw new ConfigException("The jdbc store needs repository.jdbc.url (or JDBC_URL)");
        }
        return new JdbcSettings(url, textOrNull(section, "username"), textOrNull(section, "password"),
                (int) Math.min(Integer.MAX_VALUE, ServiceConfig.positiveLong(section, "poolSize", DEFAULT_POOL_SIZE)),
                section.path("table").asText(DEFAULT_TABLE).trim(), timeout,
                Duration.ofSeconds(ServiceConfig.positiveLong(section, "sweepIntervalSec", DEFAULT_SWEEP_INTERVAL_SEC)),
                (int) Math.min(Integer.MAX_VALUE, ServiceConfig.positiveLong(section, "sweepBatch", DEFAULT_SWEEP_BATCH)));
    }

    private static String textOrNull(JsonNode section, String field) {
        JsonNode v = section.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    @Override
    public String toString() { // no password; the URL may carry one too
        return "JdbcSettings[table=" + table + ", poolSize=" + poolSize + ", username=" + username + "]";
    }
}
