package io.sessionservice.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/** The {@code repository} sections of the JDBC store's ITs. */
final class JdbcRepositories {

    private JdbcRepositories() {
    }

    /**
     * {@code {"type":"jdbc","timeoutMs":<timeoutMs>,"jdbc":{"url":…,"username":…,"table":…}}}; no password (the
     * test servers use trust auth or an empty one); {@code username} may be null (H2).
     */
    static ObjectNode repository(String url, String username, String table, int timeoutMs) {
        ObjectNode repository = Http.JSON.createObjectNode().put("type", "jdbc").put("timeoutMs", timeoutMs);
        ObjectNode jdbc = repository.putObject("jdbc").put("url", url).put("table", table).put("poolSize", 8);
        if (username != null) {
            jdbc.put("username", username);
        }
        return repository;
    }

    /** {@link #repository} with a 2 s timeout, as JSON text. */
    static String json(String url, String username, String table) {
        return repository(url, username, table, 2000).toString();
    }

    /** An H2 file database {@code sessions} in {@code dir}. */
    static String h2File(Path dir) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve("sessions");
    }
}
