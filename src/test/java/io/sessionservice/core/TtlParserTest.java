package io.sessionservice.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TtlParserTest {

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
            "3600   | 3600",
            "1      | 1",
            "0      | 0",
            "45s    | 45",
            "30m    | 1800",
            "24h    | 86400",
            "7d     | 604800",
            "2w     | 1209600",
            "1w     | 604800",
            "90S    | 90",
            "30M    | 1800",
            "24H    | 86400",
            "7D     | 604800",
            "PT1H   | 3600",
            "PT30M  | 1800",
            "PT45S  | 45",
            "P1D    | 86400",
            "P7D    | 604800",
            "P1DT1H | 90000",
            "pt1h   | 3600",
            "PT1.0S | 1",
            "999999999999 | 999999999999",
            "999999999999w | 604799999999395200"})
    void parses(String text, long seconds) {
        assertEquals(seconds, TtlParser.parseSeconds(text));
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertEquals(3600, TtlParser.parseSeconds(" 3600 "));
        assertEquals(1800, TtlParser.parseSeconds("\t30m\n"));
        assertEquals(3600, TtlParser.parseSeconds("  PT1H  "));
        assertEquals(1800, TtlParser.parseSeconds("30 m"), "space between number and unit");
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @ValueSource(strings = {"", " ", "abc", "-5", "+5", "1.5", "1,5", "1e3", "0x10", "PT0.5S", "PT1.5S", "10x", "10ms",
            "10 mins", "h", "m30", "30mm", "P", "PT", "1H2M", "P1Y", "P1M", "3600s extra",
            "99999999999999999999", "9999999999999", "9223372036854775808",
            "PT9999999999999999999999H", "P999999999999999999D",
            "３６００", "٣٦٠٠", "36\u00a000"})
    void refuses(String text) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> TtlParser.parseSeconds(text));
        assertTrue(e.getMessage().contains("ttl"), e.getMessage());
    }

    @ParameterizedTest
    @NullSource
    void refusesNull(String text) {
        assertThrows(InvalidRequestException.class, () -> TtlParser.parseSeconds(text));
    }

    @Test
    void fractionalIsoDurationSaysWholeSeconds() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> TtlParser.parseSeconds("PT0.5S"));
        assertTrue(e.getMessage().contains("whole seconds"), e.getMessage());
    }
}
