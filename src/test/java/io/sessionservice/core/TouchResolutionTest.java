package io.sessionservice.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TouchResolutionTest {

    @Test
    void theResolutionIsOnePercentOfTheTtlCappedByTheSetting() {
        TouchResolution r = TouchResolution.ofSeconds(60);
        assertEquals(36_000, r.millisFor(3_600_000));      // 1 h ttl: 36 s
        assertEquals(60_000, r.millisFor(86_400_000));     // 1 day ttl: capped at 60 s
        assertEquals(0, r.millisFor(99));                  // under 100 ms of ttl: exact
    }

    @Test
    void aTouchWritesOnlyWhenItMovesTheExpiryByMoreThanTheResolution() {
        TouchResolution r = TouchResolution.ofSeconds(60);
        long ttl = 3_600_000, now = 1_000_000_000L;
        assertFalse(r.mustWrite(now + ttl, ttl, now));
        assertFalse(r.mustWrite(now + ttl - 36_000, ttl, now));
        assertTrue(r.mustWrite(now + ttl - 36_001, ttl, now));
    }

    @Test
    void exactWritesEveryTouchThatMovesTheExpiry() {
        long ttl = 3_600_000, now = 1_000_000_000L;
        assertTrue(TouchResolution.EXACT.mustWrite(now + ttl - 1, ttl, now));
        assertFalse(TouchResolution.EXACT.mustWrite(now + ttl, ttl, now));
    }

    @Test
    void aCappedSessionWritesOnlyWhileItsCapLeavesRoomBeyondTheResolution() {
        TouchResolution r = TouchResolution.ofSeconds(60);
        long ttl = 3_600_000, now = 1_000_000_000L, exp = now + 1000;
        assertTrue(r.mustWrite(exp, ttl, now, exp + 36_001), "the cap leaves more than the resolution");
        assertFalse(r.mustWrite(exp, ttl, now, exp + 36_000));
        assertFalse(r.mustWrite(exp, ttl, now, exp), "at its cap: never again");
        assertFalse(r.mustWrite(exp, ttl, now, now), "a cap behind the expiry never pulls it back");
        assertEquals(r.mustWrite(exp, ttl, now), r.mustWrite(exp, ttl, now, Long.MAX_VALUE), "uncapped: as before");
    }

    @Test
    void outOfRangeSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TouchResolution(-1));
        assertThrows(IllegalArgumentException.class, () -> TouchResolution.ofSeconds(3601));
    }
}
