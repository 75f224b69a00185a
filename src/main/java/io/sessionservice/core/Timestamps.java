package io.sessionservice.core;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/** The one timestamp format of both APIs: ISO-8601 UTC with milliseconds, e.g. 2015-05-18T17:15:51.628Z. */
public final class Timestamps {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** ASCII digits only: Character.isDigit also takes e.g. full-width ones. */
    private static final Pattern EPOCH_MILLIS = Pattern.compile("[0-9]{1,15}");

    private Timestamps() {
    }

    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }

    /** Parses an ISO-8601 instant (Z or an offset) or a string of epoch milliseconds. */
    public static Instant parse(String field, String text) {
        String s = text.trim();
        Instant written = asFormatted(s);
        if (written != null) {
            return written;
        }
        if (EPOCH_MILLIS.matcher(s).matches()) {
            return ofEpochMilli(Long.parseLong(s));
        }
        try {
            return OffsetDateTime.parse(s).toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeException | ArithmeticException e) { // DateTimeParseException, or out of Instant's range
            throw new InvalidRequestException(
                    field + " must be an ISO-8601 timestamp like 2015-05-18T17:15:51.628Z or epoch milliseconds");
        }
    }

    /**
     * The instant of {@code s} when it has exactly the shape {@link #format} writes (the service's own answers,
     * which SessionAuthFilter's remote mode reads on every request), read without a DateTimeFormatter: parsing
     * Expires with {@code OffsetDateTime.parse} was a fifth of the remote client's CPU in JFR profiles. Null for
     * anything else (other shapes, non-ASCII digits, February 30, second 60), which the general parser then
     * reads or refuses as before.
     */
    private static Instant asFormatted(String s) {
        if (s.length() != 24 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(19) != '.' || s.charAt(23) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        int millis = digits(s, 20, 3);
        if ((year | month | day | hour | minute | second | millis) < 0) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, millis * 1_000_000).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The value of the {@code count} ASCII digits at {@code from}, or -1. */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
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
