package io.sessionservice.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.testing.DrippingService;
import io.sessionservice.testing.DrippingService.Drip;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Remote mode's whole-validation deadline, against a service that answers one byte every half timeout: each
 * socket read is in time, the answer never ends. Without the deadline these validations take hours.
 */
class RemoteTokenValidatorDeadlineTest {

    private static final String TOKEN = "token-0123456789abcdef";
    private static final String VALID = """
            {"IsValid":true,"Expires":"2099-01-01T00:00:00.000Z","Ttl":3600,"Session":{"AccountId":"alice"}}""";
    private static final Duration TIMEOUT = Duration.ofMillis(400);
    private static final Duration DRIP = TIMEOUT.dividedBy(2);
    private static final Duration DEADLINE = TIMEOUT.multipliedBy(2); // the default for that timeout
    /** Scheduling, closing the socket and the loaded machine's jitter: generous, and still hours below no deadline. */
    private static final Duration SLACK = Duration.ofMillis(700);

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private DrippingService service(Drip drip, int expectedCuts) throws Exception {
        DrippingService service = new DrippingService(drip, DRIP, VALID, expectedCuts);
        closing.add(service);
        return service;
    }

    private RemoteTokenValidator validator(String scheme, int port) {
        RemoteTokenValidator v = new RemoteTokenValidator(scheme + "://127.0.0.1:" + port + "/sessions", TIMEOUT, 4);
        closing.add(0, v);
        return v;
    }

    /** Fails as store trouble, no sooner than the deadline and no later than the deadline plus slack; the time taken. */
    private static Duration failsAtTheDeadline(RemoteTokenValidator v) {
        long start = System.nanoTime();
        StoreUnavailableException e = assertTimeoutPreemptively(DEADLINE.plus(SLACK),
                () -> assertThrows(StoreUnavailableException.class, () -> v.validate(TOKEN, false)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(DEADLINE.minusMillis(50)) >= 0, () -> "gave up after " + took + ", before the deadline");
        assertTrue(e.getMessage().contains("within " + DEADLINE.toMillis() + " ms"), e::getMessage);
        System.out.printf("drip gave up after %d ms (deadline %d ms, timeout %d ms, a byte every %d ms)%n",
                took.toMillis(), DEADLINE.toMillis(), TIMEOUT.toMillis(), DRIP.toMillis());
        return took;
    }

    @ParameterizedTest
    @EnumSource(value = Drip.class, names = {"HEAD", "BODY"})
    void aDrippedAnswerIsCutAtTheDeadlineAndItsConnectionIsNotReused(Drip drip) throws Exception {
        DrippingService service = service(drip, 1);
        RemoteTokenValidator v = validator("http", service.port());
        failsAtTheDeadline(v);
        assertEquals(1, service.connections(), "connections for one dripped validation (a cut is not retried)");
        assertTrue(service.awaitCuts(DRIP.multipliedBy(4)), "the dripped connection is still open");

        service.drip(Drip.NONE);
        for (int i = 0; i < 3; i++) {
            assertEquals("alice", v.validate(TOKEN, false).orElseThrow().userId());
        }
        assertEquals(2, service.connections(), "a new connection after the cut one, then kept alive");
    }

    /** A TLS handshake dripped by whatever answers at an https serviceUrl: cut too, before any HTTP. */
    @Test
    void aDrippedTlsHandshakeIsCutAtTheDeadline() throws Exception {
        DrippingService service = service(Drip.TLS, 1);
        failsAtTheDeadline(validator("https", service.port()));
        assertEquals(1, service.connections());
        assertTrue(service.awaitCuts(DRIP.multipliedBy(4)), "the dripped connection is still open");
    }

    /** Many validations at once against the drip: all end at their deadline, on one watchdog thread, gone at close. */
    @Test
    void concurrentDrippedValidationsShareOneWatchdogThreadThatCloseStops() throws Exception {
        int threads = 8;
        DrippingService service = service(Drip.BODY, threads);
        RemoteTokenValidator v = new RemoteTokenValidator("http://127.0.0.1:" + service.port() + "/sessions", TIMEOUT, threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Duration>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> failsAtTheDeadline(v)));
            }
            for (Future<Duration> f : done) {
                f.get();
            }
            assertEquals(1, watchdogThreads(), "watchdog threads for " + threads + " validations");
            assertTrue(service.awaitCuts(DRIP.multipliedBy(4)), "dripped connections still open");
        } finally {
            pool.shutdownNow();
            v.close();
        }
        assertEquals(0, watchdogThreads(), "watchdog threads after close");
    }

    private static long watchdogThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(ValidationDeadline.THREAD_NAME))
                .count();
    }
}
