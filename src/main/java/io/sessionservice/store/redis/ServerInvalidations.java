package io.sessionservice.store.redis;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;

/**
 * Redis telling this process which session keys changed: one {@link InvalidationSubscriber} per node
 * (standalone: the server; Cluster: every node the client knows, looked at again every second), a
 * heartbeat that PINGs each of them every {@value #HEARTBEAT_MILLIS} ms, and {@link #trusted()}: true
 * only while every node's subscriber is subscribed and has answered a recent PING. Nothing connects
 * before the first {@link #trusted()} (the store's first read).
 */
final class ServerInvalidations implements AutoCloseable {

    /** Where invalidations go: one token changed, or anything may have. */
    interface Listener {
        void invalidated(String token);

        void flushed();
    }

    static final long HEARTBEAT_MILLIS = 100;
    /**
     * How long after a PING was sent its pong vouches for the node: a node that stops answering (paused,
     * cut off without a reset) is distrusted this long after the last PING it answered was sent. Five
     * heartbeats, so that a busy JVM missing a beat or two does not flush the cache.
     */
    static final long TRUST_MILLIS = 5 * HEARTBEAT_MILLIS;

    private final Supplier<Set<HostAndPort>> nodes;
    private final JedisClientConfig config;
    private final String keyPrefix;
    private final Listener listener;
    private final Map<HostAndPort, InvalidationSubscriber> subscribers = new ConcurrentHashMap<>();
    private ScheduledExecutorService heartbeat;
    private volatile boolean started;
    private volatile boolean closed;

    /**
     * @param nodes     the nodes to subscribe to (may throw while Redis cannot be reached: tried again)
     * @param keyPrefix the session keys' prefix, the BCAST prefix
     */
    ServerInvalidations(Supplier<Set<HostAndPort>> nodes, JedisClientConfig config, String keyPrefix, Listener listener) {
        this.nodes = nodes;
        this.config = config;
        this.keyPrefix = keyPrefix;
        this.listener = listener;
    }

    /** Whether every change to a session acknowledged {@link #TRUST_MILLIS} ago or earlier has reached the listener. */
    boolean trusted() {
        if (!started) {
            start();
            return false;
        }
        if (subscribers.isEmpty()) {
            return false;
        }
        for (InvalidationSubscriber s : subscribers.values()) {
            if (!s.trusted()) {
                return false;
            }
        }
        return true;
    }

    /** The subscriber connections' ids by node (for tests that cut one). */
    Map<HostAndPort, Long> clientIds() {
        Map<HostAndPort, Long> ids = new java.util.HashMap<>();
        subscribers.forEach((node, s) -> ids.put(node, s.clientId()));
        return ids;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (heartbeat != null) {
            heartbeat.shutdownNow();
            try {
                heartbeat.awaitTermination(1, TimeUnit.SECONDS); // a container checks for threads left at undeploy
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        subscribers.values().forEach(InvalidationSubscriber::close);
        subscribers.clear();
        listener.flushed();
    }

    private synchronized void start() {
        if (started || closed) {
            return;
        }
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "redis-invalidations-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(this::beat, 0, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        started = true;
    }

    private long lastNodeCheck;

    private void beat() {
        try {
            long now = System.nanoTime();
            if (subscribers.isEmpty() || now - lastNodeCheck > TimeUnit.SECONDS.toNanos(1)) {
                lastNodeCheck = now;
                follow(nodes.get());
            }
        } catch (RuntimeException e) {
            // Redis cannot be reached yet: asked again at the next beat, and nothing is trusted meanwhile
        }
        subscribers.values().forEach(InvalidationSubscriber::ping);
    }

    /** Subscribes to nodes that appeared and drops those that left (Cluster topology changes). */
    private synchronized void follow(Set<HostAndPort> current) {
        if (closed) {
            return;
        }
        for (HostAndPort node : current) {
            subscribers.computeIfAbsent(node, n -> new InvalidationSubscriber(n, config, keyPrefix, listener, TRUST_MILLIS));
        }
        subscribers.keySet().removeIf(node -> {
            if (current.contains(node)) {
                return false;
            }
            subscribers.get(node).close();
            return true;
        });
    }
}
