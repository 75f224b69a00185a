package io.sessionservice.core;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The one timestamp format of both APIs: ISO-8601 UTC with milliseconds, e.g. 2015-05-18T17:15:51.628Z. */
public final class Timestamps {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }

    /** Parses an ISO-8601 instant (Z or an offset) or a string of epoch milliseconds. */
    public static Instant parse(String field, String text) {
        String s = text.trim();
        if (s.matches("[0-9]{1,15}")) { // ASCII digits only: Character.isDigit also takes e.g. full-width ones
            return ofEpochMilli(Long.parseLong(s));
        }
        try {
            return OffsetDateTime.parse(s).toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeException | ArithmeticException e) { // DateTimeParseException, or out of Instant's range
            throw new InvalidRequestException(
                    field + " must be an ISO-8601 timestamp like 2015-05-18T17:15:51.628Z or epoch milliseconds");
        }
    }

    /** Every long is an instant (Instant's range is wider): range rules belong to the caller. */
    public static Instant ofEpochMilli(long millis) {
        return Instant.ofEpochMilli(millis);
    }

    /** {@code t} plus {@code seconds}, held at {@link Instant#MIN} / {@link Instant#MAX} instead of overflowing. */
    public static Instant plusSecondsSaturating(Instant t, long seconds) {
        try {
            return t.plusSeconds(seconds);
        } catch (ArithmeticException | DateTimeException e) {
            return seconds > 0 ? Instant.MAX : Instant.MIN;
        }
    }
}
