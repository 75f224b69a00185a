package io.sessionservice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.testing.LogLines;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The outage log's rules on a clock moved by hand; StoreOutageContract checks them on real outages. */
class StoreOutageLogTest {

    private final TestClock clock = new TestClock();
    private final StoreOutageLog outages = new StoreOutageLog("redis", clock);
    private final StoreUnavailableException refused = new StoreUnavailableException("Redis: Connection refused", null);

    @Test
    void aLongOutageWritesOneSummaryPer10sHoweverManyRequestsFail() {
        try (LogLines log = LogLines.of(StoreOutageLog.class)) {
            for (int second = 0; second < 60; second++) {
                for (int i = 0; i < 100; i++) {
                    outages.failed(refused);
                    outages.answeredUnavailable();
                }
                clock.advance(Duration.ofSeconds(1));
            }
            outages.succeeded();
            List<String> lines = log.lines();
            // the start, a summary at 10, 20, 30, 40, 50 s, the end: 7 lines for 6,000 failed requests
            assertEquals(7, lines.size(), lines::toString);
            assertEquals("WARN Session store redis unavailable (Redis: Connection refused); requests get 503 until it "
                    + "answers, a summary follows at most every 10 s", lines.get(0));
            // the failure at 10 s is counted before its summary; its request's 503 is after it
            assertEquals("WARN Session store redis still unavailable for 10 s: 1000 store operations failed and "
                    + "1000 requests were answered 503 since the last line; last error: Redis: Connection refused",
                    lines.get(1));
            assertEquals("INFO Session store redis is back after 60 s; since the last line 999 store operations "
                    + "failed and 1000 requests were answered 503", lines.get(6));
        }
    }

    @Test
    void aFlappingStoreIsNotAWarningAndAnInfoPerFlip() {
        try (LogLines log = LogLines.of(StoreOutageLog.class)) {
            for (int i = 0; i < 200; i++) { // 20 s of one failure and one success every 100 ms
                outages.failed(refused);
                outages.succeeded();
                clock.advance(Duration.ofMillis(100));
            }
            // start, back; then at most a WARN/INFO pair per 10 s
            assertTrue(log.lines().size() <= 6, () -> log.lines().toString());
            assertFalse(outages.down());
        }
    }

    @Test
    void aHealthyStoreWritesNothing() {
        try (LogLines log = LogLines.of(StoreOutageLog.class)) {
            for (int i = 0; i < 1000; i++) {
                outages.succeeded();
                outages.answeredUnavailable(); // a 503 for another reason (not the store): no outage
            }
            assertEquals(List.of(), log.lines());
        }
    }
}
