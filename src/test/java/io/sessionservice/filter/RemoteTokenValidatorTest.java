package io.sessionservice.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.testing.FreezableTcpProxy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Remote mode's client against real HTTP servers on loopback (the JDK's server playing the service, with
 * answers each test chooses), behind a proxy that counts the TCP connections the client opens.
 */
class RemoteTokenValidatorTest {

    private static final String TOKEN = "token-0123456789abcdef";
    /** GET /validate's answer with x-include-session, and GET /'s. */
    private static final String VALID = """
            {"IsValid":true,"Expires":"2099-01-01T00:00:00.000Z","Ttl":3600,"Session":{"AccountId":"alice","x":1}}""";
    private static final String STATE = """
            {"AccountId":"alice","x":1,"xSessionToken":"t","Expires":"2099-01-01T00:00:00.000Z","Ttl":3600}""";

    private HttpServer server;
    private final AtomicReference<Answer> answer = new AtomicReference<>(new Answer(200, VALID, false));
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<String> lastRequest = new AtomicReference<>();
    private final List<AutoCloseable> closing = new ArrayList<>();

    record Answer(int status, String body, boolean chunked) {
    }

    @BeforeEach
    void startServer() throws IOException {
        // Headers and body go out in two writes: without this, Nagle and delayed ACKs add 40 ms to each answer.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        lastRequest.set(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                + new java.util.TreeMap<>(exchange.getRequestHeaders()));
        Answer a = answer.get();
        if (a.body() == VALID && !exchange.getRequestURI().getPath().endsWith("/validate")) {
            a = new Answer(200, STATE, false);
        }
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (a.status() == 302) {
            exchange.getResponseHeaders().add("Location", "/elsewhere");
        }
        exchange.sendResponseHeaders(a.status(), a.chunked() ? 0 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    private RemoteTokenValidator validator(int port, Duration timeout, int maxConnections) {
        RemoteTokenValidator v = new RemoteTokenValidator("http://127.0.0.1:" + port + "/sessions", timeout, maxConnections);
        closing.add(0, v);
        return v;
    }

    private FreezableTcpProxy proxy() throws IOException {
        FreezableTcpProxy proxy = new FreezableTcpProxy(server.getAddress().getPort());
        closing.add(proxy);
        return proxy;
    }

    @Test
    void manySequentialRequestsUseOneConnection() throws IOException {
        FreezableTcpProxy proxy = proxy();
        RemoteTokenValidator v = validator(proxy.port(), Duration.ofSeconds(5), 8);
        for (int i = 0; i < 300; i++) {
            AuthenticatedSession s = v.validate(TOKEN, i % 2 == 0).orElseThrow();
            assertEquals("alice", s.userId());
            assertEquals("{\"AccountId\":\"alice\",\"x\":1}", s.data().toString(), "without the server's fields");
            assertEquals(3600, s.ttlSeconds());
        }
        // Refusals are read to the end too, so their connection goes back to the pool.
        answer.set(new Answer(401, "{\"code\":\"UnauthorizedError\"}", false));
        for (int i = 0; i < 100; i++) {
            assertTrue(v.validate(TOKEN, false).isEmpty());
        }
        assertEquals(400, requests.get());
        assertEquals(1, proxy.accepted(), "connections opened for 400 sequential requests");
    }

    @Test
    void concurrentRequestsOpenAtMostMaxConnections() throws Exception {
        FreezableTcpProxy proxy = proxy();
        RemoteTokenValidator v = validator(proxy.port(), Duration.ofSeconds(10), 4);
        ExecutorService threads = Executors.newFixedThreadPool(12);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        assertTrue(v.validate(TOKEN, false).isPresent());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(1200, requests.get());
        assertTrue(proxy.accepted() <= 4, () -> proxy.accepted() + " connections for 12 threads and maxConnections 4");
    }

    @Test
    void anAnswerOverTheBoundIsTroubleWithOrWithoutALength() {
        RemoteTokenValidator v = validator(server.getAddress().getPort(), Duration.ofSeconds(5), 4);
        String huge = "{\"IsValid\":true,\"Session\":{\"x\":\"" + "a".repeat(RemoteTokenValidator.MAX_ANSWER_BYTES) + "\"}}";
        for (boolean chunked : new boolean[] {false, true}) {
            answer.set(new Answer(200, huge, chunked));
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> v.validate(TOKEN, false));
            assertTrue(e.getMessage().contains("more than the filter reads"), e::getMessage);
        }
        answer.set(new Answer(200, VALID, false));
        assertTrue(v.validate(TOKEN, false).isPresent(), "the client works after refusing a big answer");
    }

    /** An answer that never ends is cut at the bound, not drained (closing the stream would read on forever). */
    @Test
    void anEndlessAnswerIsCutAtTheBound() throws IOException {
        server.createContext("/endless", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked
            byte[] chunk = "{\"x\":\"".concat("a".repeat(8192)).getBytes(StandardCharsets.UTF_8);
            try (OutputStream out = exchange.getResponseBody()) {
                while (true) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // the client cut the connection
            }
        });
        RemoteTokenValidator v = new RemoteTokenValidator("http://127.0.0.1:" + server.getAddress().getPort() + "/endless",
                Duration.ofSeconds(5), 4);
        closing.add(0, v);
        // The guard only stops a hang (the failure this test is for); it measures nothing.
        StoreUnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> assertThrows(StoreUnavailableException.class, () -> v.validate(TOKEN, false)));
        assertTrue(e.getMessage().contains("more than the filter reads"), e::getMessage);
    }

    /**
     * A head that never ends, sent as fast as loopback goes: one endless header line, or endless header lines.
     * HttpCore's default is no limit on either, so the filter would buffer it all until the deadline (or the heap) ran out.
     */
    @ParameterizedTest
    @ValueSource(strings = {"a", "X: a\r\n"})
    void anEndlessAnswerHeadIsTroubleAtOnce(String repeated) throws Exception {
        try (ServerSocket flooding = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
            Thread flooder = new Thread(() -> {
                try (Socket s = flooding.accept()) {
                    s.getInputStream().read(new byte[4096]); // the request
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nX: ".getBytes(StandardCharsets.ISO_8859_1));
                    byte[] chunk = repeated.repeat(65536 / repeated.length()).getBytes(StandardCharsets.ISO_8859_1);
                    while (true) {
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // the client cut the connection
                }
            });
            flooder.setDaemon(true);
            flooder.start();
            Duration deadline = Duration.ofSeconds(20);
            RemoteTokenValidator v = new RemoteTokenValidator("http://127.0.0.1:" + flooding.getLocalPort() + "/sessions",
                    Duration.ofSeconds(5), deadline, 4);
            closing.add(0, v);
            long start = System.nanoTime();
            StoreUnavailableException e = assertTimeoutPreemptively(deadline.plusSeconds(10),
                    () -> assertThrows(StoreUnavailableException.class, () -> v.validate(TOKEN, false)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf("endless head (%s): gave up after %d ms, %d KiB sent%n", repeated.strip(), took.toMillis(),
                    sent.get() / 1024);
            assertTrue(e.getMessage().contains("(MessageConstraintException)"), e::getMessage);
            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, () -> "gave up after " + took);
        }
    }

    @Test
    void aServerThatNeverAnswersIsTroubleWithinTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, read from never, answered never
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            RemoteTokenValidator v = validator(silent.getLocalPort(), Duration.ofMillis(300), 4);
            // The guard only stops a hang (the old failure mode); it measures nothing.
            StoreUnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> assertThrows(StoreUnavailableException.class, () -> v.validate(TOKEN, false)));
            assertTrue(e.getMessage().contains("did not answer"), e::getMessage);
            assertFalse(e.getMessage().contains(TOKEN), "the token reached an exception message");
        }
    }

    @Test
    void redirectsAreNotFollowedAndOnly401IsARefusal() {
        RemoteTokenValidator v = validator(server.getAddress().getPort(), Duration.ofSeconds(5), 4);
        for (int status : new int[] {302, 404, 500, 503}) {
            answer.set(new Answer(status, "{}", false));
            int before = requests.get();
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> v.validate(TOKEN, false));
            assertTrue(e.getMessage().contains("answered " + status), e::getMessage);
            assertEquals(before + 1, requests.get(), "status " + status + " was followed or retried");
        }
        answer.set(new Answer(200, "not json", false));
        assertThrows(StoreUnavailableException.class, () -> v.validate(TOKEN, false));
        answer.set(new Answer(401, "{}", false));
        assertTrue(v.validate(TOKEN, false).isEmpty());
    }

    @Test
    void anUnreachableServiceIsTrouble() throws IOException {
        int dead = io.sessionservice.testing.FreePorts.freePort();
        RemoteTokenValidator v = validator(dead, Duration.ofSeconds(2), 4);
        assertThrows(StoreUnavailableException.class, () -> v.validate(TOKEN, false));
    }

    /** What the service sees: the token, x-include-session and Accept, Host and User-Agent, nothing else. */
    @Test
    void sendsTheTokenWithTheHeadersTheServiceReadsAndNoOthers() {
        RemoteTokenValidator v = validator(server.getAddress().getPort(), Duration.ofSeconds(5), 4);
        int port = server.getAddress().getPort();
        v.validate(TOKEN, false).orElseThrow();
        assertEquals("GET /sessions/validate {Accept=[application/json], Host=[127.0.0.1:" + port + "], User-agent=["
                + RemoteTokenValidator.USER_AGENT + "], X-include-session=[true], X-session-token=[" + TOKEN + "]}",
                lastRequest.get());
        v.validate(TOKEN, true).orElseThrow();
        assertTrue(lastRequest.get().startsWith("GET /sessions/ {"), lastRequest::get);
    }

    @Test
    void aMalformedTokenIsRefusedWithoutAsking() {
        RemoteTokenValidator v = validator(server.getAddress().getPort(), Duration.ofSeconds(5), 4);
        assertTrue(v.validate("bad\r\nx-key: k", false).isEmpty());
        assertEquals(0, requests.get());
    }

    /**
     * A raw HTTP/1.1 server that answers each connection's first request with {@code VALID} (keep-alive, as far
     * as the client can tell) and then, when {@code answer} is false, closes the connection without a word
     * (what the service does to idle connections, or on a restart); {@code answer} false closes every
     * connection right after reading a request. Counts the connections and the requests it read.
     */
    private static final class OneAnswerPerConnection implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        volatile boolean answer = true;

        OneAnswerPerConnection() throws IOException {
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        connections.incrementAndGet();
                        var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                                StandardCharsets.ISO_8859_1));
                        String line = in.readLine();
                        while (line != null && !line.isEmpty()) {
                            line = in.readLine();
                        }
                        requests.incrementAndGet();
                        if (answer) {
                            byte[] body = VALID.getBytes(StandardCharsets.UTF_8);
                            s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                            s.getOutputStream().write(body);
                            s.getOutputStream().flush();
                        }
                    } catch (IOException e) {
                        // the next connection, or closed at the end of the test
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A pooled connection the service closed is noticed on use and the request sent once more, on a new one. */
    @Test
    void aPooledConnectionClosedByTheServiceIsRetriedOnceOnANewOne() throws Exception {
        OneAnswerPerConnection service = new OneAnswerPerConnection();
        closing.add(service);
        RemoteTokenValidator v = validator(service.port(), Duration.ofSeconds(5), 4);
        for (int i = 1; i <= 20; i++) {
            assertEquals("alice", v.validate(TOKEN, false).orElseThrow().userId(), "request " + i);
        }
        // Each request after the first found its pooled connection closed, so it was sent twice.
        assertTrue(service.connections.get() >= 20 && service.connections.get() <= 39,
                () -> service.connections.get() + " connections for 20 requests");
    }

    /** Once, not more: a service that keeps closing connections without answering is trouble, not a loop. */
    @Test
    void aServiceThatClosesWithoutAnsweringIsTroubleAfterOneRetry() throws Exception {
        OneAnswerPerConnection service = new OneAnswerPerConnection();
        closing.add(service);
        service.answer = false;
        RemoteTokenValidator v = validator(service.port(), Duration.ofSeconds(5), 4);
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> v.validate(TOKEN, false));
        assertTrue(e.getMessage().contains("did not answer"), e::getMessage);
        assertEquals(2, service.requests.get(), "requests sent for one validation");
    }
}
