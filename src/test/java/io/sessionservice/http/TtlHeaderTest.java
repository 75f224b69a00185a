package io.sessionservice.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sessionservice.core.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The x-ttl header's syntax; its range (1..maxTtlSec) is SessionService's rule, tested there. */
class TtlHeaderTest {

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "60", " 60 ", "\t60", "0060", "86400", "999999999999"})
    void wholeSecondsAreRead(String header) {
        assertEquals(Long.parseLong(header.trim()), TtlHeader.seconds(header));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "+1", "1.5", "1e3", "abc", "", " ", "60s", "PT1M", "0x10",
            "9999999999999", "99999999999999999999", "６０", "1 0"})
    void anythingElseIsRefused(String header) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> TtlHeader.seconds(header));
        assertEquals("x-ttl must be a whole number of seconds", e.getMessage());
    }

    @Test
    void absentIsNull() {
        assertNull(TtlHeader.seconds(null));
    }
}
