package io.sessionservice.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw "service" on a loopback port that answers one byte at a time, each byte well within a client's
 * socket timeout, and never finishes: the slow answer that per-read timeouts do not bound. Each connection
 * gets the {@link Drip} set when it was accepted; {@link Drip#NONE} answers {@code healthyBody} at once, with
 * keep-alive, to every request on the connection. Counts connections, and the drips that ended because the
 * client closed the connection.
 */
public final class DrippingService implements AutoCloseable {

    /** What is dripped. */
    public enum Drip {
        /** The status line and then header lines, endlessly. */
        HEAD,
        /** A whole head at once (Content-Length 256 KiB), then the body. */
        BODY,
        /** A TLS record header announcing a 16 KiB handshake record, then its bytes: the client never gets to HTTP. */
        TLS,
        /** No drip: a healthy service. */
        NONE
    }

    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final Duration interval;
    private final byte[] healthyBody;
    private final AtomicInteger connections = new AtomicInteger();
    private final CountDownLatch cutByClient;
    private volatile Drip drip;

    /** {@code expectedCuts}: how many cut drips {@link #awaitCuts} waits for. */
    public DrippingService(Drip drip, Duration interval, String healthyBody, int expectedCuts) throws IOException {
        this.drip = drip;
        this.interval = interval;
        this.healthyBody = healthyBody.getBytes(StandardCharsets.UTF_8);
        this.cutByClient = new CountDownLatch(expectedCuts);
        Thread acceptor = new Thread(this::acceptLoop, "dripping-service-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** What connections accepted from now on get. */
    public void drip(Drip drip) {
        this.drip = drip;
    }

    public int connections() {
        return connections.get();
    }

    /** Whether {@code expectedCuts} drips ended with the client closing its connection, within {@code wait}. */
    public boolean awaitCuts(Duration wait) throws InterruptedException {
        return cutByClient.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                Drip mine = drip;
                Thread t = new Thread(() -> serve(s, mine), "dripping-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                // closed at the end of the test
            }
        }
    }

    private void serve(Socket s, Drip mine) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            if (mine == Drip.TLS) {
                in.read(new byte[16384]); // the ClientHello, or enough of it
                out.write(new byte[] {0x16, 0x03, 0x03, 0x40, 0x00}); // handshake record, 16384 bytes long
                dripForever(out, new byte[] {0});
                return;
            }
            while (readRequestHead(in)) {
                switch (mine) {
                    case HEAD -> {
                        dripForever(out, "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        return;
                    }
                    case BODY -> {
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                                + 256 * 1024 + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        dripForever(out, "{\"IsValid\":true,\"x\":\"".getBytes(StandardCharsets.ISO_8859_1));
                        return;
                    }
                    default -> {
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                                + healthyBody.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.write(healthyBody);
                        out.flush();
                    }
                }
            }
        } catch (IOException e) {
            // the client went away between requests, or the test ended
        }
    }

    /** Reads up to the empty line that ends a request head; false at the end of the connection. */
    private static boolean readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
            if (matched == 4) {
                return true;
            }
        }
        return false;
    }

    /** {@code first} byte by byte, then filler ("a", or zeros after a zero) forever, until the client cuts. */
    private void dripForever(OutputStream out, byte[] first) {
        byte filler = first[first.length - 1] == 0 ? 0 : (byte) 'a';
        try {
            for (long i = 0; ; i++) {
                out.write(i < first.length ? first[(int) i] : filler);
                out.flush();
                Thread.sleep(interval.toMillis());
            }
        } catch (IOException e) {
            cutByClient.countDown(); // the client closed (reset) the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
