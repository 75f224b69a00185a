package io.sessionservice.filter;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.apache.hc.core5.http.HttpConnection;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.impl.Http1StreamListener;
import org.apache.hc.core5.io.CloseMode;

/**
 * Remote mode's bound on a whole validation. The socket timeout bounds each wait for bytes, not their sum: a
 * service (or a broken proxy, or anything else at serviceUrl) that sends a byte just within each wait holds the
 * request thread for as long as it likes. So each validation starts an {@link Alarm} on one shared daemon
 * scheduler; when it rings, it closes the socket the validation is on (reset, no lingering), the blocked read
 * fails at once, and HttpCore discards that connection instead of pooling it. A wait for a pooled connection
 * and a connect are not cut (the timeout bounds each); the socket they yield is cut as soon as it is watched.
 *
 * <p>HttpCore's classic requester has no whole-request timeout, but its hooks tell which socket a validation
 * is on, all of them called on the validating thread (hence a thread-local): the TLS socket factory (a new
 * connection's handshake), and the {@link Http1StreamListener}: request sent on a connection, new or pooled;
 * exchange complete, just before the connection goes back to the pool, when the alarm lets go of it.
 */
final class ValidationDeadline implements AutoCloseable {

    /** The scheduler thread's name (one per validator, started at the first validation). */
    static final String THREAD_NAME = "SessionAuthFilter-deadline";

    private final long boundMillis;
    private final ScheduledThreadPoolExecutor scheduler;
    /** The scheduler's thread(s): close() waits for them to end, not only for the scheduler to say it terminated. */
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Alarm> current = new ThreadLocal<>();

    ValidationDeadline(Duration bound) {
        this.boundMillis = bound.compareTo(Duration.ofMillis(Long.MAX_VALUE)) < 0 ? bound.toMillis() : Long.MAX_VALUE;
        this.scheduler = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, THREAD_NAME);
            t.setDaemon(true);
            threads.add(t);
            return t;
        });
        // Nearly every alarm is cancelled: drop them at once rather than keep one per validation for `bound`.
        scheduler.setRemoveOnCancelPolicy(true);
    }

    long boundMillis() {
        return boundMillis;
    }

    /** Starts the calling thread's validation: close the alarm when it ends, however it ends. */
    Alarm start() {
        Alarm alarm = new Alarm();
        alarm.ringing = scheduler.schedule(alarm::ring, boundMillis, TimeUnit.MILLISECONDS); // refused after close
        current.set(alarm);
        return alarm;
    }

    /**
     * Stops the scheduler thread and waits (briefly) until it is dead: an undeploy must not leave it running, and
     * the scheduler reports itself terminated a moment before its thread ends, when Tomcat's leak check may look.
     */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            for (Thread t : threads) {
                t.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tells the calling thread's alarm which connection it is on, and when the connection is no longer its. */
    Http1StreamListener streamListener() {
        return new Http1StreamListener() {
            @Override
            public void onRequestHead(HttpConnection connection, HttpRequest request) {
                Alarm alarm = current.get();
                if (alarm != null) {
                    alarm.watch(() -> connection.close(CloseMode.IMMEDIATE));
                }
            }

            @Override
            public void onResponseHead(HttpConnection connection, HttpResponse response) {
            }

            @Override
            public void onExchangeComplete(HttpConnection connection, boolean keepAlive) {
                Alarm alarm = current.get();
                if (alarm != null) {
                    alarm.letGo();
                }
            }
        };
    }

    /** {@code tls}, with each new socket watched by the calling thread's alarm during the handshake. */
    SSLSocketFactory watching(SSLSocketFactory tls) {
        return new WatchedTlsSocketFactory(tls);
    }

    /** One validation's deadline. */
    final class Alarm implements AutoCloseable {
        private ScheduledFuture<?> ringing;
        private Runnable cut;
        private boolean rang;

        /** Whether the deadline passed: the validation's trouble is then the deadline, whatever exception it saw. */
        synchronized boolean rang() {
            return rang;
        }

        /** Cuts at once when the deadline passed already (a lease or a connect that took the whole bound). */
        private synchronized void watch(Runnable cut) {
            if (rang) {
                cut.run();
            } else {
                this.cut = cut;
            }
        }

        private synchronized void letGo() {
            cut = null;
        }

        /**
         * Cuts under the lock: a {@link #letGo()} (the connection about to be pooled) waits for it, so a
         * connection is either let go intact or pooled closed, which HttpCore then discards.
         */
        private synchronized void ring() {
            rang = true;
            if (cut != null) {
                cut.run();
                cut = null;
            }
        }

        @Override
        public void close() {
            ringing.cancel(false);
            current.remove();
        }
    }

    /** The JDK's TLS sockets, each watched by the calling thread's alarm from before its handshake. */
    private final class WatchedTlsSocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory tls;

        WatchedTlsSocketFactory(SSLSocketFactory tls) {
            this.tls = tls;
        }

        /** The one HttpCore calls: layers TLS on its connected socket, whose closing ends a handshake's read. */
        @Override
        public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
            Alarm alarm = current.get();
            if (alarm != null) {
                alarm.watch(() -> reset(plain));
            }
            return tls.createSocket(plain, host, port, autoClose);
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return tls.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return tls.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return tls.createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return tls.createSocket(host, port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return tls.createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return tls.createSocket(address, port, localAddress, localPort);
        }
    }

    /** Closes {@code socket} with a reset, as HttpCore's immediate close does. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // closed already
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closed already
        }
    }
}
