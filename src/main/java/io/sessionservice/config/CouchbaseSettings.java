package io.sessionservice.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * {@code repository.couchbase}, validated: {@code connectionString}, {@code username}, {@code password},
 * {@code bucket} (required; COUCHBASE_CONNECTION_STRING, _USERNAME, _PASSWORD, _BUCKET), {@code scope}
 * and {@code collection} (default {@code _default}). {@code timeout} is {@code repository.timeoutMs}.
 */
public record CouchbaseSettings(String connectionString, String username, String password, String bucket,
                                String scope, String collection, Duration timeout) {

    static CouchbaseSettings from(JsonNode section, Duration timeout) {
        return new CouchbaseSettings(required(section, "connectionString", "COUCHBASE_CONNECTION_STRING"),
                required(section, "username", "COUCHBASE_USERNAME"), required(section, "password", "COUCHBASE_PASSWORD"),
                required(section, "bucket", "COUCHBASE_BUCKET"), section.path("scope").asText("_default"),
                section.path("collection").asText("_default"), timeout);
    }

    private static String required(JsonNode section, String field, String variable) {
        String value = section.path(field).asText("").trim();
        if (value.isEmpty()) {
            throw new ConfigException("The couchbase store needs repository.couchbase." + field + " (or " + variable + ")");
        }
        return value;
    }

    @Override
    public String toString() { // no password
        return "CouchbaseSettings[bucket=" + bucket + ", scope=" + scope + ", collection=" + collection + "]";
    }
}
