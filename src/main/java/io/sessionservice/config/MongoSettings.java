package io.sessionservice.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.ConnectionString;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * {@code repository.mongodb}, validated: {@code uri} (MONGODB_URI, required), {@code database}
 * (MONGODB_DATABASE, else the URI's, else session_service), {@code collection} (default sessions).
 * {@code timeout} is {@code repository.timeoutMs}.
 */
public record MongoSettings(ConnectionString connection, String database, String collection, Duration timeout) {

    public static final String DEFAULT_DATABASE = "session_service";
    public static final String DEFAULT_COLLECTION = "sessions";

    static MongoSettings from(JsonNode section, Duration timeout) {
        String uri = section.path("uri").asText("").trim();
        if (uri.isEmpty()) {
            throw new ConfigException("The mongodb store needs repository.mongodb.uri (or MONGODB_URI)");
        }
        ConnectionString connection;
        try {
            connection = new ConnectionString(uri);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("repository.mongodb.uri is not a MongoDB connection string: " + e.getMessage(), e);
        }
        return new MongoSettings(connection,
                firstNonBlank(section.path("database").asText(""), connection.getDatabase(), DEFAULT_DATABASE),
                firstNonBlank(section.path("collection").asText(""), DEFAULT_COLLECTION), timeout);
    }

    private static String firstNonBlank(String... values) {
        return Stream.of(values).filter(v -> v != null && !v.isBlank()).findFirst().orElseThrow().trim();
    }

    @Override
    public String toString() { // the URI may hold a password
        return "MongoSettings[database=" + database + ", collection=" + collection + "]";
    }
}
