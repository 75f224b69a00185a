package io.sessionservice.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The built WAR deployed in an embedded container with a config of the test's own (written to a
 * temporary file, named by the {@code session.config} context parameter). {@link #close} stops the
 * container and deletes the file.
 */
final class ConfiguredWar implements AutoCloseable {

    private final EmbeddedContainer container;
    private final Path configFile;
    private final URI base;

    private ConfiguredWar(EmbeddedContainer container, Path configFile, URI base) {
        this.container = container;
        this.configFile = configFile;
        this.base = base;
    }

    static ConfiguredWar deploy(EmbeddedContainer container, String contextPath, ObjectNode config) throws Exception {
        Path file = Files.createTempFile("session-it" + contextPath.replace('/', '-') + "-", ".json");
        try {
            Files.writeString(file, Http.JSON.writeValueAsString(config));
            URI base = container.deploy(EmbeddedContainer.builtWar(), contextPath,
                    Map.of(EmbeddedContainer.CONFIG_PARAMETER, file.toString()));
            return new ConfiguredWar(container, file, base);
        } catch (Exception | Error e) {
            container.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** The webapp's base URI, ending in '/'. */
    URI base() {
        return base;
    }

    Http http() {
        return new Http(base);
    }

    @Override
    public void close() throws Exception {
        try {
            container.close();
        } finally {
            Files.deleteIfExists(configFile);
        }
    }
}
