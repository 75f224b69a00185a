package io.sessionservice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A webapp with target/filter-lib/common but no store driver jars: {@link SessionStores} must link
 * without them (the memory store opens) and, for a store whose driver is missing, say which
 * filter-lib directory to add rather than fail with a bare NoClassDefFoundError.
 */
class SessionStoresWithoutDriversTest {

    /** Path fragments of the store drivers' jars (Maven repository layout). */
    private static final List<String> DRIVERS = List.of("/redis/clients/", "/org/mongodb/", "/com/couchbase/",
            "/io/projectreactor/", "/org/apache/commons/commons-pool2/", "/com/zaxxer/", "/org/postgresql/",
            "/org/mariadb/", "/com/h2database/");

    @TempDir
    Path dir;

    @Test
    void theMemoryStoreOpensWithoutAnyDriver() throws Exception {
        try (URLClassLoader loader = withoutDrivers()) {
            Object store = open(loader, """
                    {"credentials":{"key":"test-key-0123456789abcdef"},"repository":{"type":"memory"}}""");
            assertEquals("io.sessionservice.store.memory.MemorySessionStore", store.getClass().getName());
            ((AutoCloseable) store).close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis", "mongodb", "couchbase", "jdbc"})
    void aStoreWithoutItsDriverNamesTheDirectoryToAdd(String type) throws Exception {
        String repository = switch (type) {
            case "redis" -> "\"redis\":{\"url\":\"redis://127.0.0.1:6379\"}";
            case "mongodb" -> "\"mongodb\":{\"uri\":\"mongodb://127.0.0.1:1/d\"}";
            case "jdbc" -> "\"jdbc\":{\"url\":\"jdbc:postgresql://127.0.0.1:1/d\"}";
            default -> "\"couchbase\":{\"connectionString\":\"couchbase://127.0.0.1\",\"username\":\"u\","
                    + "\"password\":\"p\",\"bucket\":\"b\"}";
        };
        try (URLClassLoader loader = withoutDrivers()) {
            Throwable failure = assertThrows(InvocationTargetException.class, () -> open(loader, """
                    {"credentials":{"key":"test-key-0123456789abcdef"},"repository":{"type":"%s",%s}}"""
                    .formatted(type, repository))).getCause();
            assertEquals("io.sessionservice.config.ConfigException", failure.getClass().getName(), failure::toString);
            assertTrue(failure.getMessage().contains("filter-lib/" + type), failure::getMessage);
        }
    }

    /** SessionStores.open(ConfigLoader.load(file, true), clock), all inside {@code loader}. */
    private Object open(ClassLoader loader, String json) throws Exception {
        Path file = Files.writeString(dir.resolve("config.json"), json);
        Object config = loader.loadClass("io.sessionservice.config.ConfigLoader")
                .getMethod("load", String.class, boolean.class).invoke(null, file.toString(), true);
        Method open = loader.loadClass(SessionStores.class.getName())
                .getMethod("open", config.getClass(), Clock.class);
        return open.invoke(null, config, Clock.systemUTC());
    }

    /** The test class path (target/classes, Jackson, SLF4J, Caffeine, …) less the store drivers. */
    private static URLClassLoader withoutDrivers() throws MalformedURLException {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String path = entry.replace(File.separatorChar, '/');
            if (DRIVERS.stream().noneMatch(path::contains)) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        URLClassLoader loader = new URLClassLoader("no-drivers", urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader());
        assertThrows(ClassNotFoundException.class, () -> loader.loadClass("redis.clients.jedis.Jedis"));
        assertInstanceOf(URLClassLoader.class, loader);
        return loader;
    }
}
