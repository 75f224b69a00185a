package io.sessionservice.store.mongo;

import com.mongodb.client.MongoClient;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the MongoDB driver's "BufferPoolPruner" thread once the last store closes. The driver starts it for its
 * class-loader-wide buffer pool ({@code PowerOfTwoBufferPool.DEFAULT}) and no {@code MongoClient.close()} stops
 * it (mongo-java-driver issue 2029, JAVA-5643; fixes proposed, not released in 5.14): it would outlive an
 * undeploy and keep the webapp's class loader. Only when the driver is the webapp's own (in WEB-INF/lib, so the
 * context class loader's): a driver in a container-wide lib may serve other webapps. A client made afterwards
 * still works; its pool is no longer pruned of idle buffers.
 */
final class BufferPoolPruner {

    private static final Logger LOG = LoggerFactory.getLogger(BufferPoolPruner.class);
    private static final String POOL = "com.mongodb.internal.connection.PowerOfTwoBufferPool";
    /** Stores open on this class loader's driver. */
    private static final AtomicInteger OPEN = new AtomicInteger();

    private BufferPoolPruner() {
    }

    static void storeOpened() {
        OPEN.incrementAndGet();
    }

    static void storeClosed() {
        if (OPEN.decrementAndGet() != 0
                || MongoClient.class.getClassLoader() != Thread.currentThread().getContextClassLoader()) {
            return;
        }
        try {
            // internal API: looked up by name, so a driver without it (a fixed one) is simply left alone
            Class<?> pool = Class.forName(POOL, false, MongoClient.class.getClassLoader());
            Field defaultPool = pool.getField("DEFAULT");
            Method disable = pool.getDeclaredMethod("disablePruning");
            disable.setAccessible(true);
            disable.invoke(defaultPool.get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("The MongoDB driver's buffer pool pruner was not stopped: {}", e.toString());
        }
    }
}
