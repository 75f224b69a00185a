package io.sessionservice.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;

/**
 * One Redis node's invalidation connection (RESP2, Redis 6+): on its own thread it connects, turns on
 * {@code CLIENT TRACKING ON REDIRECT <its own id> BCAST PREFIX <session prefix>} and subscribes to
 * {@code __redis__:invalidate}, then hands every changed session key to the listener. It is trusted
 * only while subscribed and while a PING sent less than {@code trustMillis} ago has been answered: a
 * pong follows the invalidation of every change whose write was acknowledged before the PING was sent
 * (Redis queues BCAST invalidations at the end of its event-loop turn, before it writes that turn's
 * replies: a change made in the turn that reads the PING may follow the pong, but its own reply follows
 * its invalidation).
 * So a node that stops answering (paused, cut off, a black-holed connection) stops being trusted within
 * that time even before its socket fails; after {@code READ_TIMEOUT_MS} without a byte the
 * connection is given up and replaced. Whenever it goes down, and again once it is back, the listener's
 * cache is flushed.
 */
final class InvalidationSubscriber implements AutoCloseable {

    static final String CHANNEL = "__redis__:invalidate";
    private static final Logger LOG = LoggerFactory.getLogger(InvalidationSubscriber.class);
    private static final int READ_TIMEOUT_MS = 2000; // far above the heartbeat: silence this long means lost
    private static final long MAX_BACKOFF_MS = 1000;

    /**
     * A Jedis connection that can send a PING from the heartbeat thread while its own thread reads. Its
     * outstanding PING is its own: a PING the heartbeat sent on a connection just replaced cannot leave
     * the new one waiting for a pong that never comes (and so never PINGed, never trusted again).
     */
    private static final class SubscriberConnection extends Connection {
        volatile long pingSentAt; // 0: none outstanding

        SubscriberConnection(HostAndPort node, JedisClientConfig config) {
            super(node, config);
        }

        void sendPing() {
            sendCommand(Protocol.Command.PING);
            flush();
        }
    }

    private final HostAndPort node;
    private final JedisClientConfig config;
    private final String keyPrefix;
    private final ServerInvalidations.Listener listener;
    private final long trustNanos;
    private final Thread thread;
    private volatile boolean closed;
    private volatile SubscriberConnection connection;
    private volatile boolean subscribed;
    private volatile long trustedUntil;
    private volatile long clientId = -1;

    InvalidationSubscriber(HostAndPort node, JedisClientConfig config, String keyPrefix,
                           ServerInvalidations.Listener listener, long trustMillis) {
        this.node = node;
        this.config = config;
        this.keyPrefix = keyPrefix;
        this.listener = listener;
        this.trustNanos = TimeUnit.MILLISECONDS.toNanos(trustMillis);
        this.thread = new Thread(this::run, "redis-invalidations-" + node);
        thread.setDaemon(true);
        thread.start();
    }

    HostAndPort node() {
        return node;
    }

    /** Whether every change to a session key up to a moment shortly ago has been handed to the listener. */
    boolean trusted() {
        return subscribed && System.nanoTime() - trustedUntil < 0;
    }

    /** This node's subscriber connection id (-1 while it has none): tests end it with CLIENT KILL ID. */
    long clientId() {
        return clientId;
    }

    /** Heartbeat: sends a PING unless one is still unanswered. */
    void ping() {
        SubscriberConnection c = connection;
        if (c == null || !subscribed || c.pingSentAt != 0) {
            return;
        }
        long now = System.nanoTime();
        c.pingSentAt = now == 0 ? 1 : now;
        try {
            c.sendPing();
        } catch (RuntimeException e) {
            c.close(); // the reading thread notices and reconnects
        }
    }

    @Override
    public void close() {
        closed = true;
        SubscriberConnection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException alreadyClosing) {
                // the heartbeat closed it at the same moment (Jedis: "Socket closed"): it is gone either way
            }
        }
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long backoff = 50;
        while (!closed) {
            try (SubscriberConnection c = new SubscriberConnection(node, config)) {
                connection = c;
                subscribe(c);
                backoff = 50;
                listen(c);
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.debug("Redis invalidation connection to {} lost: {}", node, e.toString());
                }
            } finally {
                goDown();
            }
            if (!closed) {
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    private void subscribe(SubscriberConnection c) {
        c.setSoTimeout(READ_TIMEOUT_MS);
        c.sendCommand(Protocol.Command.CLIENT, "ID");
        long id = (Long) c.getOne();
        c.sendCommand(Protocol.Command.CLIENT, "TRACKING", "ON", "REDIRECT", Long.toString(id), "BCAST", "PREFIX",
                keyPrefix);
        c.getStatusCodeReply();
        c.sendCommand(Protocol.Command.SUBSCRIBE, CHANNEL);
        List<?> reply = (List<?>) c.getOne();
        if (!"subscribe".equals(text(reply.get(0)))) {
            throw new IllegalStateException("SUBSCRIBE answered " + text(reply.get(0)));
        }
        listener.flushed(); // what was cached before tracking was on may have changed unseen
        clientId = id;
        trustedUntil = System.nanoTime() + trustNanos;
        subscribed = true;
    }

    private void listen(SubscriberConnection c) {
        while (!closed) {
            List<?> push = (List<?>) c.getUnflushedObject();
            String kind = text(push.get(0));
            if ("pong".equals(kind)) {
                long sent = c.pingSentAt;
                c.pingSentAt = 0;
                trustedUntil = sent + trustNanos; // every change acknowledged before the PING was sent is handled
            } else if ("message".equals(kind) && CHANNEL.equals(text(push.get(1)))) {
                if (!(push.get(2) instanceof List<?> keys)) {
                    listener.flushed(); // FLUSHALL / FLUSHDB: a null list of keys
                    continue;
                }
                for (Object key : keys) {
                    String k = text(key);
                    if (k != null && k.startsWith(keyPrefix)) {
                        listener.invalidated(k.substring(keyPrefix.length()));
                    }
                }
            }
        }
    }

    private void goDown() {
        subscribed = false;
        connection = null;
        clientId = -1;
        listener.flushed();
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
