package io.sessionservice.store.couchbase;

import com.couchbase.client.core.env.PasswordAuthenticator;
import com.couchbase.client.core.error.CouchbaseException;
import com.couchbase.client.java.Bucket;
import com.couchbase.client.java.Cluster;
import io.sessionservice.config.ConfigException;
import io.sessionservice.config.CouchbaseSettings;
import io.sessionservice.core.TouchResolution;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.scheduler.Schedulers;

/** Opens the Couchbase store from its settings; SessionStores loads it only when that store is chosen. */
public final class CouchbaseStores {

    /** Stores open on this class loader's Reactor. */
    private static final AtomicInteger OPEN = new AtomicInteger();

    private CouchbaseStores() {
    }

    public static CouchbaseSessionStore open(CouchbaseSettings settings, TouchResolution touch, Clock clock) {
        Cluster cluster;
        try {
            cluster = CouchbaseSessionStore.cluster(settings.connectionString(),
                    PasswordAuthenticator.create(settings.username(), settings.password()), settings.timeout(), env -> { });
        } catch (CouchbaseException e) {
            throw new ConfigException("Cannot use the Couchbase connection string: " + e.getMessage(), e);
        }
        Bucket bucket = cluster.bucket(settings.bucket());
        OPEN.incrementAndGet();
        return new CouchbaseSessionStore(bucket, bucket.scope(settings.scope()).collection(settings.collection()),
                clock, settings.timeout(), () -> {
                    try {
                        cluster.disconnect();
                    } finally {
                        stopReactorThreadsIfLast();
                    }
                }, touch);
    }

    /**
     * The SDK runs on Reactor's JVM-wide schedulers (parallel, boundedElastic), which nothing stops: their threads
     * would outlive an undeploy and keep the webapp's class loader. Stopped once the last store closes, and only when
     * Reactor is the webapp's own (in WEB-INF/lib, so the context class loader's): a Reactor in a container-wide
     * lib may serve other webapps. A later use of Reactor makes new schedulers.
     */
    private static void stopReactorThreadsIfLast() {
        if (OPEN.decrementAndGet() == 0
                && Schedulers.class.getClassLoader() == Thread.currentThread().getContextClassLoader()) {
            Schedulers.shutdownNow();
            awaitEnd(Thread.currentThread().getContextClassLoader());
        }
    }

    /** Reactor interrupts its threads but does not wait for them: waits (at most 2 s) so the undeploy sees them gone. */
    private static void awaitEnd(ClassLoader webapp) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            boolean reactors = thread.getName().startsWith("parallel-") || thread.getName().startsWith("boundedElastic-");
            long left = deadline - System.nanoTime();
            if (reactors && thread.getContextClassLoader() == webapp && thread != Thread.currentThread() && left > 0) {
                try {
                    thread.join(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
