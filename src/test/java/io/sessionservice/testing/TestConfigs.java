package io.sessionservice.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.config.ServiceConfig;
import java.time.Duration;
import java.util.List;

/**
 * The one way tests build a {@link ServiceConfig}: test values (expiry 3600 s, max ttl one day, key
 * "k", the user API behind the key, 64 KiB bodies, a 2 s store timeout) and a store section.
 */
public final class TestConfigs {

    public static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final ObjectNode repository = JsonNodeFactory.instance.objectNode();
    private Duration timeout = TIMEOUT;

    private TestConfigs(String storeType) {
        repository.put("type", storeType);
    }

    /** A config for {@code storeType}; add its section with {@link #section}. */
    public static TestConfigs store(String storeType) {
        return new TestConfigs(storeType);
    }

    /** {@code repository.<name>}, e.g. {@code repository.redis}, to fill in. */
    public ObjectNode section(String name) {
        return repository.with(name);
    }

    /** Sets {@code repository.<name>} to {@code section}. */
    public TestConfigs with(String name, ObjectNode section) {
        repository.set(name, section);
        return this;
    }

    public TestConfigs timeout(Duration storeTimeout) {
        this.timeout = storeTimeout;
        return this;
    }

    public ServiceConfig build() {
        return of(repository, timeout);
    }

    /** A config around a whole {@code repository} object (its {@code type} names the store). */
    public static ServiceConfig of(ObjectNode repository, Duration timeout) {
        return new ServiceConfig(3600, 86_400, List.of("k"), true, 65_536,
                repository.path("type").asText("memory"), timeout, repository);
    }

    public static ServiceConfig of(ObjectNode repository) {
        return of(repository, TIMEOUT);
    }
}
