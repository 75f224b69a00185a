package io.sessionservice.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a TTL: whole seconds ({@code "3600"}), a number with a unit ({@code "45s"}, {@code "30m"},
 * {@code "24h"}, {@code "7d"}, {@code "2w"}) or an ISO-8601 duration ({@code "PT1H"}, {@code "P1D"}).
 * Range checks (1..maxTtlSec) belong to the caller.
 */
public final class TtlParser {

    private static final Pattern NUMBER_WITH_UNIT = Pattern.compile("(\\d{1,12})\\s*([smhdw]?)");

    private TtlParser() {
    }

    /** @return the TTL in whole seconds @throws InvalidRequestException when it is not one */
    public static long parseSeconds(String text) {
        String s = text == null ? "" : text.trim();
        Matcher m = NUMBER_WITH_UNIT.matcher(s.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            long unit = switch (m.group(2)) {
                case "m" -> 60;
                case "h" -> 3600;
                case "d" -> 86_400;
                case "w" -> 604_800;
                default -> 1;
            };
            return Math.multiplyExact(n, unit);
        }
        if (s.length() > 1 && (s.charAt(0) == 'P' || s.charAt(0) == 'p')) {
            try {
                Duration d = Duration.parse(s);
                if (d.getNano() != 0) {
                    throw new InvalidRequestException("ttl must be whole seconds: " + s);
                }
                return d.getSeconds();
            } catch (DateTimeParseException | ArithmeticException e) {
                // fall through to the common error
            }
        }
        throw new InvalidRequestException(
                "ttl must be seconds (\"3600\"), a duration like \"30m\", \"24h\", \"7d\", or ISO-8601 like \"PT1H\"");
    }
}
