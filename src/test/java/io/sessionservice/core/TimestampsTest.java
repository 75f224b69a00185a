package io.sessionservice.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

    private static final Instant SPEC_EXAMPLE = Instant.parse("2015-05-18T17:15:51.628Z");

    @Test
    void formatsTheSpecExample() {
        assertEquals("2015-05-18T17:15:51.628Z", Timestamps.format(SPEC_EXAMPLE));
    }

    @ParameterizedTest
    @CsvSource({
            "1970-01-01T00:00:00Z,           1970-01-01T00:00:00.000Z",
            "2015-05-18T17:15:51Z,           2015-05-18T17:15:51.000Z",
            "2015-05-18T17:15:51.600Z,       2015-05-18T17:15:51.600Z",
            "2015-05-18T17:15:51.006Z,       2015-05-18T17:15:51.006Z",
            "2015-05-18T17:15:51.628999999Z, 2015-05-18T17:15:51.628Z",
            "2015-05-18T17:15:51.000001Z,    2015-05-18T17:15:51.000Z",
            "9999-12-31T23:59:59.999Z,       9999-12-31T23:59:59.999Z"})
    void formatAlwaysHasThreeMillisecondDigitsAndZ(String instant, String expected) {
        assertEquals(expected, Timestamps.format(Instant.parse(instant)));
    }

    @Test
    void formatShapeOverManyInstants() {
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE), random.nextInt(1_000_000_000));
            String s = Timestamps.format(t);
            assertTrue(s.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"), s);
        }
    }

    /** The shortcut for the shape format() writes gives what OffsetDateTime.parse gives, and refuses what it refuses. */
    @ParameterizedTest
    @ValueSource(strings = {"2015-05-18T17:15:51.628Z", "0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z",
            "2016-02-29T12:00:00.000Z", "2000-02-29T00:00:00.000Z", "1970-01-01T00:00:00.000Z",
            "2015-05-18t17:15:51.628z"}) // ISO parsing ignores case: the general parser reads this one
    void formattedShapeIsReadAsOffsetDateTimeReadsIt(String text) {
        assertEquals(OffsetDateTime.parse(text).toInstant(), Timestamps.parse("t", text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2015-02-29T12:00:00.000Z", "1900-02-29T12:00:00.000Z", "2015-04-31T12:00:00.000Z",
            "2015-13-01T12:00:00.000Z", "2015-00-01T12:00:00.000Z", "2015-01-00T12:00:00.000Z",
            "2015-05-18T24:00:00.000Z", "2015-05-18T17:60:51.628Z", "2015-05-18T17:15:60.628Z",
            "2015-05-18T17:15:51.62aZ",
            "2015-05-18T17:15:51,628Z", "\uFF12015-05-18T17:15:51.628Z", "-015-05-18T17:15:51.628Z"})
    void formattedShapeWithImpossibleFieldsIsRefusedAsBefore(String text) {
        String unescaped = text.replace("\\uFF12", "\uFF12"); // a full-width digit 2
        assertThrows(DateTimeException.class, () -> OffsetDateTime.parse(unescaped));
        assertThrows(InvalidRequestException.class, () -> Timestamps.parse("t", unescaped));
    }

    @Test
    void formatThenParseRoundTripsMilliseconds() {
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            Instant t = Instant.ofEpochMilli(random.nextLong(0, 253_402_300_799_999L));
            assertEquals(t, Timestamps.parse("t", Timestamps.format(t)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "2015-05-18T17:15:51.628Z",
            "2015-05-18T17:15:51.628+00:00",
            "2015-05-18T19:15:51.628+02:00",
            "2015-05-18T12:15:51.628-05:00",
            "2015-05-18T22:45:51.628+05:30",
            "2015-05-18T17:15:51.628000Z",
            "2015-05-18T17:15:51.628999Z",
            "  2015-05-18T17:15:51.628Z  ",
            "1431969351628",
            " 1431969351628\t"})
    void parsesIsoWithZOrOffsetAndEpochMillis(String text) {
        assertEquals(SPEC_EXAMPLE, Timestamps.parse("created_at", text));
    }

    @Test
    void parsesWithoutFractionAndSmallEpochValues() {
        assertEquals(Instant.parse("2015-05-18T17:15:51Z"), Timestamps.parse("t", "2015-05-18T17:15:51Z"));
        assertEquals(Instant.parse("2015-05-18T17:15:00Z"), Timestamps.parse("t", "2015-05-18T17:15Z"));
        assertEquals(Instant.EPOCH, Timestamps.parse("t", "0"));
        assertEquals(Instant.ofEpochMilli(999_999_999_999_999L), Timestamps.parse("t", "999999999999999"));
    }

    @Test
    void ofEpochMilli() {
        assertEquals(SPEC_EXAMPLE, Timestamps.ofEpochMilli(1431969351628L));
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @ValueSource(strings = {"", " ", "abc", "now", "2015-05-18", "2015-05-18T17:15:51", "2015-05-18T17:15:51.628",
            "2015-05-18 17:15:51.628Z", "2015-13-01T00:00:00Z", "2015-02-30T00:00:00Z", "2015-05-18T25:00:00Z",
            "18/05/2015", "-5", "-1431969351628", "1.5", "1431969351628.0", "1e12", "0x10",
            "1234567890123456", "99999999999999999999", "2015-05-18T17:15:51.628Zjunk",
            "2015-05-18T17:15:51.628+25:00", "Mon, 18 May 2015 17:15:51 GMT"})
    void refusesWhatIsNeitherIsoNorEpochMillis(String text) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> Timestamps.parse("expired_at", text));
        assertTrue(e.getMessage().startsWith("expired_at "), "message names the field: " + e.getMessage());
    }
    @ParameterizedTest(name = "\"{0}\" parses")
    @ValueSource(strings = {"+999999999-12-31T23:59:59.999999999-18:00", "-999999999-01-01T00:00:00+18:00",
            "+999999999-12-31T23:59:59.999Z", "-999999999-01-01T00:00:00.000Z", "0000-01-01T00:00:00Z"})
    void theExtremesOfIsoParseWithoutArithmeticErrors(String text) {
        Instant t = Timestamps.parse("created_at", text);
        assertEquals(0, t.getNano() % 1_000_000, "truncated to milliseconds");
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @ValueSource(strings = {"+1000000000-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z",
            "+99999999999999999999-01-01T00:00:00Z", "2015-05-18T17:15:51.628+18:01"})
    void isoBeyondTheRangeOfInstantIsRefusedNamingTheField(String text) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> Timestamps.parse("created_at", text));
        assertTrue(e.getMessage().startsWith("created_at "), e.getMessage());
    }

    @Test
    void everyEpochMillisecondIsAnInstant() {
        assertEquals(Long.MIN_VALUE, Timestamps.ofEpochMilli(Long.MIN_VALUE).toEpochMilli());
        assertEquals(Long.MAX_VALUE, Timestamps.ofEpochMilli(Long.MAX_VALUE).toEpochMilli());
    }

    @Test
    void plusSecondsSaturatesAtTheEndsOfInstant() {
        assertEquals(SPEC_EXAMPLE.plusSeconds(60), Timestamps.plusSecondsSaturating(SPEC_EXAMPLE, 60));
        assertEquals(SPEC_EXAMPLE.minusSeconds(60), Timestamps.plusSecondsSaturating(SPEC_EXAMPLE, -60));
        assertEquals(Instant.MAX, Timestamps.plusSecondsSaturating(SPEC_EXAMPLE, Long.MAX_VALUE));
        assertEquals(Instant.MIN, Timestamps.plusSecondsSaturating(SPEC_EXAMPLE, Long.MIN_VALUE));
        assertEquals(Instant.MAX, Timestamps.plusSecondsSaturating(Instant.MAX, 1));
        assertEquals(Instant.MIN, Timestamps.plusSecondsSaturating(Instant.MIN, -1));
        assertEquals(Instant.MAX, Timestamps.plusSecondsSaturating(Instant.MAX.minusSeconds(10), 11));
    }
}
