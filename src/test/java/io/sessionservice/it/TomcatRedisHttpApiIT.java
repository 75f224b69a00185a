package io.sessionservice.it;

import java.util.UUID;

/**
 * The HTTP contract on embedded Tomcat 10.1 with the Redis store at 127.0.0.1:6379 (the one
 * {@code .ci/run} starts), under a key prefix of this run's own.
 */
class TomcatRedisHttpApiIT extends AbstractHttpApiIT {

    private final String keyPrefix = "it-" + UUID.randomUUID() + ":";

    @Override
    protected EmbeddedContainer newContainer() {
        return new TomcatContainer();
    }

    @Override
    protected String repositoryJson() {
        return "{\"type\":\"redis\",\"timeoutMs\":2000,"
                + "\"redis\":{\"url\":\"redis://127.0.0.1:6379\",\"keyPrefix\":\"" + keyPrefix + "\"}}";
    }
}
